using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Facade.Proxy.Data;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Facade.Proxy.Keys;

/// <summary>
/// The keys the authorization server signs access and identity tokens with, and that the edge validates against
/// in-process (codes and refresh tokens are protected with the Data Protection key ring instead).
/// Development without configured certificates: RSA keys generated once into the data folder and reused after.
/// </summary>
public sealed partial class KeyRing
{
    public KeyRing(IOptions<KeyOptions> options, DataPaths paths, IHostEnvironment environment, ILogger<KeyRing> logger)
    {
        var configured = options.Value;
        if (configured.SigningCertificates.Count > 0)
        {
            SigningKeys = configured.SigningCertificates.Select(LoadCertificate).ToArray();
            LogCertificates(logger, SigningKeys.Count);
        }
        else if (environment.IsDevelopment())
        {
            var folder = Path.Combine(paths.Directory, "keys");
            SigningKeys = [LoadOrCreateRsa(Path.Combine(folder, "signing.pem"), "signing")];
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

    private static SecurityKey LoadCertificate(CertificateReference reference)
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

        return new X509SecurityKey(certificate);
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
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            rsa.KeySize = 2048;
            var pem = rsa.ExportPkcs8PrivateKeyPem();
            var temp = path + ".tmp";
            File.WriteAllText(temp, pem);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(temp, path, overwrite: false);
        }

        // A stable key id derived from the public key, so JWKS consumers can cache it across restarts.
        var kid = Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16];
        return new RsaSecurityKey(rsa) { KeyId = $"{purpose}-{kid}" };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Signing} signing certificate(s)")]
    private static partial void LogCertificates(ILogger logger, int signing);

    [LoggerMessage(Level = LogLevel.Information, Message = "Development keys in {Folder}")]
    private static partial void LogDevelopmentKeys(ILogger logger, string folder);
}
