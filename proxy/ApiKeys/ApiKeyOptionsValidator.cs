using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.ApiKeys;

/// <summary>Prefixes that tell the two kinds (and JWTs) apart; the pepper outside Development. All problems at once.</summary>
internal sealed partial class ApiKeyOptionsValidator(IHostEnvironment environment) : IValidateOptions<ApiKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        var errors = new List<string>();
        foreach (var (key, prefix) in new[] { (nameof(options.UserKeyPrefix), options.UserKeyPrefix), (nameof(options.AgentKeyPrefix), options.AgentKeyPrefix) })
        {
            // A JWT starts with "eyJ"; a prefix made of these characters and ending in '_' can never be mistaken for one.
            if (string.IsNullOrEmpty(prefix) || !PrefixPattern().IsMatch(prefix))
            {
                errors.Add($"{ApiKeyOptions.SectionName}:{key} '{prefix}' must be 2 to 16 letters, digits or '_' ending in '_' (e.g. fk_u_).");
            }
        }

        if (!string.IsNullOrEmpty(options.UserKeyPrefix) && !string.IsNullOrEmpty(options.AgentKeyPrefix)
            && (options.UserKeyPrefix.StartsWith(options.AgentKeyPrefix, StringComparison.Ordinal) || options.AgentKeyPrefix.StartsWith(options.UserKeyPrefix, StringComparison.Ordinal)))
        {
            errors.Add($"{ApiKeyOptions.SectionName}:UserKeyPrefix and AgentKeyPrefix must differ and neither may start with the other.");
        }

        if (options.HashKey is { } hashKey && hashKey.Length < 32)
        {
            errors.Add($"{ApiKeyOptions.SectionName}:HashKey must be at least 32 characters (e.g. openssl rand -base64 32).");
        }
        else if (options.HashKey is null && !environment.IsDevelopment())
        {
            errors.Add($"{ApiKeyOptions.SectionName}:HashKey is required outside Development: at least 32 random characters (e.g. openssl rand -base64 32); keep it secret and stable.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^[A-Za-z0-9_]{1,15}_$")]
    private static partial Regex PrefixPattern();
}
