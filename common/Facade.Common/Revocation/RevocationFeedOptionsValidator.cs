using Microsoft.Extensions.Options;

namespace Facade.Common.Revocation;

/// <summary>Checks the feed settings at start and names each missing or bad key with its full path.</summary>
internal sealed class RevocationFeedOptionsValidator(string section) : IValidateOptions<RevocationFeedOptions>
{
    public ValidateOptionsResult Validate(string? name, RevocationFeedOptions options)
    {
        var errors = new List<string>();
        if (options.FeedUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"{section}:FeedUrl must be the edge's absolute http(s) revocation feed URL, e.g. http://127.0.0.1:5000/oauth/revocations.");
        }
        else if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
        {
            errors.Add($"{section}:FeedUrl must use https unless it is a loopback address (the client secret travels with every poll).");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            errors.Add($"{section}:ClientId is required: a confidential client of the edge with Introspection: true (Facade:Clients), so this service learns of revoked tokens.");
        }

        if (string.IsNullOrEmpty(options.ClientSecret))
        {
            errors.Add($"{section}:ClientSecret is required: the secret of {section}:ClientId at the edge.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
