using Facade.Common;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Facade.Proxy.AuthorizationServer;

/// <summary>
/// The authorize request a login or consent page continues, read back from its return URL, for showing it to the
/// user. Only our own authorize endpoint, a known client and a redirect_uri that client registered are accepted.
/// Nothing here is trusted for granting: the authorize endpoint validates the request again when it comes back.
/// </summary>
internal sealed class PendingAuthorizations(IOpenIddictApplicationManager applications)
{
    private const string AuthorizePath = "/oauth/authorize";

    /// <summary>Parameters the edge adds to the authorize URL on its round trips; never carried into the next one.</summary>
    private static readonly string[] RoundTripParameters = [AuthorizationEndpoints.ConsentDeniedParameter, ConsentMarkers.Parameter];

    public async Task<PendingAuthorization?> ReadAsync(string? returnUrl, CancellationToken cancellationToken)
    {
        if (ContinueUrl(returnUrl) is not { } url)
        {
            return null;
        }

        var query = QueryHelpers.ParseQuery(url[AuthorizePath.Length..]);
        var clientId = Single(query, Parameters.ClientId);
        var application = string.IsNullOrEmpty(clientId) ? null : await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (application is null)
        {
            return null;
        }

        var registered = await applications.GetRedirectUrisAsync(application, cancellationToken);
        var requested = Single(query, Parameters.RedirectUri);
        var matched = string.IsNullOrEmpty(requested)
            ? registered.Length == 1 ? registered[0] : null
            : RedirectUriMatching.FindRegistered(registered, requested);
        if (matched is null)
        {
            return null;
        }

        var scopes = (Single(query, Parameters.Scope) ?? "")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(ScopeCatalog.IsKnown)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        var hosts = registered
            .GroupBy(RedirectDestination.DescribeRegistered, StringComparer.Ordinal)
            .Select(group => new RedirectDestination(group.Key, group.Contains(matched, StringComparer.Ordinal), RedirectUriMatching.IsLoopbackLiteral(group.First())))
            .ToArray();
        return new PendingAuthorization(
            (await applications.GetIdAsync(application, cancellationToken))!,
            clientId!,
            await applications.GetDisplayNameAsync(application, cancellationToken) ?? clientId!,
            RedirectDestination.Describe(string.IsNullOrEmpty(requested) ? matched : requested),
            string.IsNullOrEmpty(requested) ? matched : requested,
            matched,
            hosts,
            scopes,
            url);
    }

    /// <summary>The authorize URL to continue with, without the edge's round-trip parameters; null unless it is ours.</summary>
    private static string? ContinueUrl(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || !returnUrl.StartsWith(AuthorizePath + "?", StringComparison.Ordinal))
        {
            return null;
        }

        var parameters = QueryHelpers.ParseQuery(returnUrl[AuthorizePath.Length..])
            .Where(p => !RoundTripParameters.Contains(p.Key, StringComparer.Ordinal))
            .SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v)));
        return AuthorizePath + QueryString.Create(parameters);
    }

    private static string? Single(Dictionary<string, StringValues> query, string name) =>
        query.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;
}

/// <param name="ApplicationId">OpenIddict's id of the client application.</param>
/// <param name="ClientId">The client_id.</param>
/// <param name="ClientName">What the page calls the client.</param>
/// <param name="RedirectHost">Where this request sends the user back to, as shown.</param>
/// <param name="RedirectUri">The redirect_uri of this request (the registered one when it sent none).</param>
/// <param name="RegisteredRedirectUri">The registered redirect URI it matched: what consent is remembered for.</param>
/// <param name="RedirectHosts">Every place the client registered to send users back to, this request's marked.</param>
/// <param name="Scopes">The requested scopes the edge knows.</param>
/// <param name="AuthorizeUrl">The authorize URL to go back to (local), without the edge's round-trip parameters.</param>
internal sealed record PendingAuthorization(
    string ApplicationId,
    string ClientId,
    string ClientName,
    string RedirectHost,
    string RedirectUri,
    string RegisteredRedirectUri,
    IReadOnlyList<RedirectDestination> RedirectHosts,
    IReadOnlyList<string> Scopes,
    string AuthorizeUrl);

/// <summary>One place a client may send the user back to, as the consent page shows it.</summary>
/// <param name="Display">Its host (and port), or its scheme for an app's private-use scheme.</param>
/// <param name="ThisRequest">Whether this request sends the user there.</param>
/// <param name="ThisComputer">A loopback address: an app on the user's own computer, on whatever port it listens.</param>
internal sealed record RedirectDestination(string Display, bool ThisRequest, bool ThisComputer)
{
    /// <summary>Like <see cref="Describe"/>, without the port of a loopback IP literal (any port matches it).</summary>
    public static string DescribeRegistered(string redirectUri) =>
        RedirectUriMatching.IsLoopbackLiteral(redirectUri) && Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri)
            ? uri.Host
            : Describe(redirectUri);

    /// <summary>
    /// Host and port for web redirect URIs, in their ASCII (punycode) form so look-alike Unicode names stand out; the
    /// scheme for an app's private-use scheme (<c>com.example.app:</c>).
    /// </summary>
    public static string Describe(string redirectUri)
    {
        if (!Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri))
        {
            return redirectUri;
        }

        if (uri.Scheme is not ("http" or "https"))
        {
            return uri.Scheme + ":";
        }

        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
        return uri.IsDefaultPort ? host : $"{host}:{uri.Port}";
    }
}
