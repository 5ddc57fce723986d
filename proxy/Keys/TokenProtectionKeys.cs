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
        using var rsa = PrivateKey(encryptionKey);
        var secret = rsa.ExportParameters(includePrivateParameters: true).D
            ?? throw new InvalidOperationException($"Encryption key '{encryptionKey.KeyId}' has no private exponent.");
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

    private static RSA PrivateKey(SecurityKey key) => key switch
    {
        X509SecurityKey x509 => x509.Certificate.GetRSAPrivateKey(),
        RsaSecurityKey { Rsa: { } rsa } => ExportableCopy(rsa),
        _ => null,
    } ?? throw new InvalidOperationException($"Encryption key '{key.KeyId}' is not an RSA key with a private part.");

    private static RSA ExportableCopy(RSA rsa)
    {
        var copy = RSA.Create();
        copy.ImportParameters(rsa.ExportParameters(includePrivateParameters: true));
        return copy;
    }
}
