using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Facade.Proxy.Data;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Facade.Proxy.Keys;

/// <summary>
/// The keys the authorization server signs access and identity tokens with, and that the edge validates against
/// in-process (codes and refresh tokens are protected with the Data Protection key ring instead).
/// Development without configured certificates: a key generated once into the data folder and reused after (RSA, or
/// ECDSA P-256 with <see cref="KeyOptions.DevelopmentAlgorithm"/> <c>ES256</c>). Each key signs with the algorithm
/// its type implies (<see cref="SigningAlgorithms"/>).
/// </summary>
public sealed partial class KeyRing
{
    public KeyRing(IOptions<KeyOptions> options, DataPaths paths, IHostEnvironment environment, ILogger<KeyRing> logger)
    {
        var configured = options.Value;
        if (configured.SigningCertificates.Count > 0)
        {
            SigningKeys = LoadCertificates(configured.SigningCertificates);
            LogCertificates(logger, SigningKeys.Count);
        }
        else if (environment.IsDevelopment())
        {
            var folder = Path.Combine(paths.Directory, "keys");
            SigningKeys = [configured.DevelopmentAlgorithm == SigningAlgorithms.ES256
                ? LoadOrCreateEcdsa(Path.Combine(folder, "signing-es256.pem"), "signing-es256")
                : LoadOrCreateRsa(Path.Combine(folder, "signing.pem"), "signing")];
            LogDevelopmentKeys(logger, folder);
        }
        else
        {
            throw new OptionsValidationException(KeyOptions.SectionName, typeof(KeyOptions),
                ["Facade:Keys:SigningCertificates is required outside Development."]);
        }
    }

    /// <summary>Every key that validates; which one signs is chosen by OpenIddict (see <see cref="KeyOptions"/>).</summary>
    public IReadOnlyList<SecurityKey> SigningKeys { get; }

    /// <summary>Each key with the algorithm it signs with, in the order of <see cref="SigningKeys"/>.</summary>
    public IReadOnlyList<SigningCredentials> SigningCredentials => _credentials ??=
        SigningKeys.Select(key => new SigningCredentials(key, SigningAlgorithms.Of(key)!)).ToArray();

    /// <summary>The algorithms of <see cref="SigningKeys"/> (what the edge validates and discovery advertises).</summary>
    public IReadOnlyList<string> Algorithms => _algorithms ??= SigningKeys.Select(key => SigningAlgorithms.Of(key)!).Distinct().ToArray();

    private IReadOnlyList<SigningCredentials>? _credentials;
    private IReadOnlyList<string>? _algorithms;

    /// <summary>
    /// The certificates' keys as raw RSA / ECDSA keys named by the certificate's thumbprint, in the order OpenIddict
    /// should use them: valid now, the one that expires last first; not yet valid last. Raw keys, because
    /// IdentityModel cannot sign with an ECDSA certificate's <see cref="X509SecurityKey"/>, and because OpenIddict
    /// prefers any certificate key to a raw one, which would stop an RSA certificate from handing over to a newer
    /// ECDSA one. OpenIddict keeps this order (it ranks raw keys equal, and sorts so few keys stably).
    /// </summary>
    private static SecurityKey[] LoadCertificates(IEnumerable<CertificateReference> references)
    {
        var now = DateTime.Now;
        return references.Select(LoadCertificate)
            .OrderBy(c => c.Certificate.NotBefore > now)
            .ThenByDescending(c => c.Certificate.NotAfter)
            .Select(c => c.Key)
            .ToArray();
    }

    private static (X509Certificate2 Certificate, SecurityKey Key) LoadCertificate(CertificateReference reference)
    {
        if (!File.Exists(reference.Path))
        {
            throw new OptionsValidationException(KeyOptions.SectionName, typeof(KeyOptions),
                [$"Certificate file '{reference.Path}' does not exist."]);
        }

        var certificate = X509CertificateLoader.LoadPkcs12FromFile(reference.Path, reference.Password, X509KeyStorageFlags.EphemeralKeySet);
        if (!certificate.HasPrivateKey)
        {
            throw new OptionsValidationException(KeyOptions.SectionName, typeof(KeyOptions),
                [$"Certificate '{reference.Path}' has no private key."]);
        }

        SecurityKey? key = certificate.GetRSAPrivateKey() is { } rsa
            ? new RsaSecurityKey(rsa)
            : certificate.GetECDsaPrivateKey() is { KeySize: 256 } ecdsa ? new ECDsaSecurityKey(ecdsa) : null;
        if (key is null)
        {
            throw new OptionsValidationException(KeyOptions.SectionName, typeof(KeyOptions),
                [$"Certificate '{reference.Path}' holds neither an RSA nor an ECDSA P-256 key."]);
        }

        key.KeyId = certificate.Thumbprint;
        return (certificate, key);
    }

    private static RsaSecurityKey LoadOrCreateRsa(string path, string purpose)
    {
        var rsa = RSA.Create();
        if (File.Exists(path))
        {
            rsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            rsa.KeySize = 2048;
            WritePrivateKey(path, rsa.ExportPkcs8PrivateKeyPem());
        }

        return new RsaSecurityKey(rsa) { KeyId = KeyId(purpose, rsa.ExportSubjectPublicKeyInfo()) };
    }

    private static ECDsaSecurityKey LoadOrCreateEcdsa(string path, string purpose)
    {
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (File.Exists(path))
        {
            ecdsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            WritePrivateKey(path, ecdsa.ExportPkcs8PrivateKeyPem());
        }

        return new ECDsaSecurityKey(ecdsa) { KeyId = KeyId(purpose, ecdsa.ExportSubjectPublicKeyInfo()) };
    }

    private static void WritePrivateKey(string path, string pem)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        File.WriteAllText(temp, pem);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temp, path, overwrite: false);
    }

    /// <summary>A stable key id derived from the public key, so JWKS consumers can cache it across restarts.</summary>
    private static string KeyId(string purpose, byte[] subjectPublicKeyInfo) =>
        $"{purpose}-{Base64UrlEncoder.Encode(SHA256.HashData(subjectPublicKeyInfo))[..16]}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Signing} signing certificate(s)")]
    private static partial void LogCertificates(ILogger logger, int signing);

    [LoggerMessage(Level = LogLevel.Information, Message = "Development keys in {Folder}")]
    private static partial void LogDevelopmentKeys(ILogger logger, string folder);
}
