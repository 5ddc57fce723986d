using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Facade.Proxy.Keys;

/// <summary>
/// Symmetric keys for the tokens only this server ever reads back (refresh tokens and authorization codes): an AES
/// key wrap and an HMAC instead of the RSA private-key operations that otherwise cost ~0.9 ms each per grant.
/// Derived with HKDF from an encryption certificate's private key, so every node holding the same certificate
/// derives the same keys, and a key retires with the certificate it came from. Access and identity tokens stay RS256.
/// </summary>
public sealed class TokenProtectionKeys
{
    private TokenProtectionKeys(SymmetricSecurityKey encryption, SymmetricSecurityKey signing)
    {
        Encryption = new EncryptingCredentials(encryption, SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512);
        Signing = new SigningCredentials(signing, SecurityAlgorithms.HmacSha256);
    }

    public EncryptingCredentials Encryption { get; }

    public SigningCredentials Signing { get; }

    public static TokenProtectionKeys DeriveFrom(SecurityKey encryptionKey)
    {
        var secret = PrivateExponent(encryptionKey);
        try
        {
            return new TokenProtectionKeys(Derive(secret, "facade token encryption v1"), Derive(secret, "facade token signing v1"));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private static SymmetricSecurityKey Derive(byte[] secret, string purpose)
    {
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, salt: null, info: Encoding.UTF8.GetBytes(purpose));

        // A public id that names the key without revealing anything about it (a hash of the derived key).
        var kid = "sym-" + Base64UrlEncoder.Encode(SHA256.HashData(key))[..16];
        return new SymmetricSecurityKey(key) { KeyId = kid };
    }

    private static byte[] PrivateExponent(SecurityKey key)
    {
        switch (key)
        {
            case X509SecurityKey x509:
                // A new RSA instance per call: ours to dispose.
                using (var rsa = x509.Certificate.GetRSAPrivateKey())
                {
                    return rsa?.ExportParameters(includePrivateParameters: true).D ?? throw NoPrivateKey(key);
                }

            case RsaSecurityKey { Rsa: { } rsa }:
                return rsa.ExportParameters(includePrivateParameters: true).D ?? throw NoPrivateKey(key);

            default:
                throw NoPrivateKey(key);
        }
    }

    private static InvalidOperationException NoPrivateKey(SecurityKey key) =>
        new($"Encryption key '{key.KeyId}' is not an RSA key with a private part.");
}
