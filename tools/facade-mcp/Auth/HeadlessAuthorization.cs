using System.Net;
using Facade.Mcp.Bridge.Cli;

namespace Facade.Mcp.Bridge.Auth;

/// <summary>
/// <c>--headless</c>: plays the browser for an authorization server that approves without a person. GETs the authorize
/// URL and follows its redirects (by hand: an https server redirecting to the http loopback callback is a downgrade an
/// HttpClient would not follow) until one points at the redirect URI, then delivers that one to the loopback listener
/// as a browser would. A page instead of a redirect means a person is needed: that is an error, never a guess.
/// </summary>
internal static class HeadlessAuthorization
{
    private const int MaxRedirects = 10;

    public static async Task FollowAsync(Uri authorizationUri, Uri redirectUri, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, ConnectTimeout = TimeSpan.FromSeconds(15) });
        var next = authorizationUri;
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            using var response = await http.GetAsync(next, cancellationToken);
            if (IsCallback(next, redirectUri))
            {
                return;
            }

            if ((int)response.StatusCode is < 300 or > 399 || response.Headers.Location is not { } location)
            {
                throw new BridgeException(
                    $"headless sign-in: {next.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} {ReasonOf(response.StatusCode)} instead of redirecting to {redirectUri}; "
                    + "this authorization server needs a person: run without --headless.",
                    ExitCodes.Unauthorized);
            }

            next = location.IsAbsoluteUri ? location : new Uri(next, location);
            if (next.Scheme != Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttp)
            {
                throw new BridgeException($"headless sign-in: redirected to a '{next.Scheme}' URL, which only a browser can follow.", ExitCodes.Unauthorized);
            }
        }

        throw new BridgeException($"headless sign-in: more than {MaxRedirects} redirects from {authorizationUri.GetLeftPart(UriPartial.Path)}.", ExitCodes.Unauthorized);
    }

    private static bool IsCallback(Uri url, Uri redirectUri) =>
        url.Scheme == redirectUri.Scheme && url.Host == redirectUri.Host && url.Port == redirectUri.Port
        && string.Equals(url.AbsolutePath, redirectUri.AbsolutePath, StringComparison.Ordinal);

    private static string ReasonOf(HttpStatusCode status) => status.ToString();
}
