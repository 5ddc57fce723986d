using Facade.Common;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.Registration;

/// <summary>Checks every configured client at start and reports all problems at once, each with its path.</summary>
internal sealed class SeededClientsValidator : IValidateOptions<SeededClientsOptions>
{
    public ValidateOptionsResult Validate(string? name, SeededClientsOptions options)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.Clients.Count; i++)
        {
            var client = options.Clients[i];
            var path = $"Facade:Clients:{i}";
            if (string.IsNullOrWhiteSpace(client.ClientId))
            {
                errors.Add($"{path}:ClientId is required.");
            }

            if (client.Introspection && string.IsNullOrEmpty(client.ClientSecret))
            {
                errors.Add($"{path}:ClientSecret is required for a resource server that introspects tokens.");
            }

            if (client.ClientSecret is { Length: > 0 and < 16 })
            {
                errors.Add($"{path}:ClientSecret must be at least 16 characters.");
            }

            foreach (var uri in client.RedirectUris)
            {
                if (!RedirectUriPolicy.IsAllowed(uri.OriginalString, out var reason))
                {
                    errors.Add($"{path}:RedirectUris '{uri}' {reason}.");
                }
            }

            foreach (var scope in client.Scopes.Where(s => !ScopeCatalog.IsKnown(s)))
            {
                errors.Add($"{path}:Scopes '{scope}' is not a known scope.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
