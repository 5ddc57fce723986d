using Microsoft.Extensions.Options;

namespace Facade.Proxy.Keys;

/// <summary>Outside Development the signing keys must be configured and readable; checked at start, all problems at once.</summary>
internal sealed class KeyOptionsValidator(IHostEnvironment environment) : IValidateOptions<KeyOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyOptions options)
    {
        var errors = new List<string>();
        if (!environment.IsDevelopment() && options.SigningCertificates.Count == 0)
        {
            errors.Add($"{KeyOptions.SectionName}:SigningCertificates needs at least one certificate ({{ \"Path\": \"…pfx\", \"Password\": \"…\" }}).");
        }

        if (options.DevelopmentAlgorithm is not (SigningAlgorithms.RS256 or SigningAlgorithms.ES256))
        {
            errors.Add($"{KeyOptions.SectionName}:DevelopmentAlgorithm must be RS256 or ES256.");
        }

        for (var i = 0; i < options.SigningCertificates.Count; i++)
        {
            if (!File.Exists(options.SigningCertificates[i].Path))
            {
                errors.Add($"{KeyOptions.SectionName}:SigningCertificates:{i}:Path '{options.SigningCertificates[i].Path}' does not exist.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
