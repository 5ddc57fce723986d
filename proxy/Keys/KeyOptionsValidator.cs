using Microsoft.Extensions.Options;

namespace Facade.Proxy.Keys;

/// <summary>Outside Development the keys must be configured and readable; checked at start, all problems at once.</summary>
internal sealed class KeyOptionsValidator(IHostEnvironment environment) : IValidateOptions<KeyOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyOptions options)
    {
        var errors = new List<string>();
        var configured = options.SigningCertificates.Count > 0 || options.EncryptionCertificates.Count > 0;
        if (!environment.IsDevelopment() || configured)
        {
            if (options.SigningCertificates.Count == 0)
            {
                errors.Add($"{KeyOptions.SectionName}:SigningCertificates needs at least one certificate ({{ \"Path\": \"…pfx\", \"Password\": \"…\" }}).");
            }

            if (options.EncryptionCertificates.Count == 0)
            {
                errors.Add($"{KeyOptions.SectionName}:EncryptionCertificates needs at least one certificate.");
            }
        }

        Check(options.SigningCertificates, "SigningCertificates", errors);
        Check(options.EncryptionCertificates, "EncryptionCertificates", errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(List<CertificateReference> certificates, string list, List<string> errors)
    {
        for (var i = 0; i < certificates.Count; i++)
        {
            if (!File.Exists(certificates[i].Path))
            {
                errors.Add($"{KeyOptions.SectionName}:{list}:{i}:Path '{certificates[i].Path}' does not exist.");
            }
        }
    }
}
