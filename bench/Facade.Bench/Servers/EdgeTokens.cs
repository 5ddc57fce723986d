using System.Security.Cryptography;
using Facade.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.Tokens;

namespace Facade.Bench.Servers;

/// <summary>
/// Real tokens from the edge's own authorization server, got the way a client gets them (registration, login and
/// consent forms, PKCE code exchange) — never hand-made JWTs. The signed-in session stays open for more code flows.
/// </summary>
internal sealed class EdgeTokens : IDisposable
{
    public const string RedirectUri = "http://127.0.0.1:9/callback";

    private EdgeTokens(OAuthTestClient oauth, RegisteredClient client, TokenResult main, string noScopeAccess)
    {
        OAuth = oauth;
        Client = client;
        Access = main.AccessToken!;
        Refresh = main.RefreshToken!;
        NoScopeAccess = noScopeAccess;
    }

    public OAuthTestClient OAuth { get; }

    /// <summary>The public client (DCR) all further grants use.</summary>
    public RegisteredClient Client { get; }

    /// <summary>An access token with <c>tasks:read offline_access</c> for the edge's canonical resource.</summary>
    public string Access { get; }

    public string Refresh { get; }

    /// <summary>A genuine token without <c>tasks:read</c>, for the 403 check.</summary>
    public string NoScopeAccess { get; }

    public string Resource => OAuth.BaseUrl.AbsoluteUri;

    /// <summary>Signs in and gets the tokens, from the edge itself or <paramref name="via"/> (a cluster's balancer).</summary>
    public static async Task<EdgeTokens> GetAsync(EdgeServer edge, Uri? via = null)
    {
        var oauth = new OAuthTestClient(via ?? edge.Process.BaseUrl) { UserName = EdgeServer.UserName, Password = EdgeServer.Password };
        try
        {
            var noScope = await oauth.GetTokenAsync("organizations:read", resource: edge.PublicUrl, redirectUri: RedirectUri);
            var (client, main) = await oauth.GetTokenAsync($"{EdgeServer.TasksScope} offline_access", resource: edge.PublicUrl, redirectUri: RedirectUri);
            if (main.AccessToken is null || main.RefreshToken is null || noScope.Token.AccessToken is null)
            {
                throw new InvalidOperationException($"The token endpoint answered {(int)main.Status}: {main.Json}");
            }

            return new EdgeTokens(oauth, client, main, noScope.Token.AccessToken);
        }
        catch
        {
            oauth.Dispose();
            throw;
        }
    }

    /// <summary>One more authorization code flow in the signed-in session (consent already given): the code, and its verifier.</summary>
    public async Task<(string Code, string Verifier)?> AuthorizeAsync(string scope)
    {
        var pkce = Pkce.Create();
        var url = OAuthTestClient.AuthorizeUrl(Client.ClientId, RedirectUri, scope, pkce, "bench", Resource);
        using var response = await OAuth.Browser.GetAsync(url);
        var location = response.Headers.Location?.OriginalString;
        if (location is null || !location.StartsWith(RedirectUri, StringComparison.Ordinal))
        {
            return null;
        }

        var query = QueryHelpers.ParseQuery(new Uri(location).Query);
        return query.TryGetValue("code", out var code) ? (code.ToString(), pkce.Verifier) : null;
    }

    /// <summary>A fresh refresh token of its own family (for one worker of the refresh benchmark).</summary>
    public async Task<string> NewRefreshTokenAsync()
    {
        var grant = await AuthorizeAsync($"{EdgeServer.TasksScope} offline_access")
            ?? throw new InvalidOperationException("The authorize endpoint gave no code in the signed-in session.");
        var token = await OAuth.ExchangeCodeAsync(Client, grant.Code, grant.Verifier, Resource);
        return token.RefreshToken ?? throw new InvalidOperationException($"No refresh token: {token.Json}");
    }

    /// <summary>
    /// Tokens with the genuine header and claims but a signature that does not verify, each one different, so the
    /// edge does the full RSA check every time and nothing can remember a rejection.
    /// </summary>
    public IReadOnlyList<string> Forged(int count)
    {
        var signedPart = Access[..Access.LastIndexOf('.')];
        var signatureLength = Base64UrlEncoder.DecodeBytes(Access[(Access.LastIndexOf('.') + 1)..]).Length;
        return Enumerable.Range(0, count)
            .Select(_ => signedPart + "." + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(signatureLength)))
            .ToList();
    }

    public void Dispose() => OAuth.Dispose();
}
