using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Facade.Testing;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// <c>agents:serve</c> and <c>realtime:feed</c> are operator-only: never advertised, never registrable, never granted
/// through OAuth; only agent keys the admin command line makes carry the first, only the edge's own service token the
/// second.
/// </summary>
public sealed class OperatorScopeTests(EdgeFixture fixture) : IClassFixture<EdgeFixture>
{
    [Theory]
    [InlineData(".well-known/oauth-authorization-server")]
    [InlineData(".well-known/openid-configuration")]
    [InlineData(".well-known/oauth-protected-resource")]
    [InlineData(".well-known/oauth-protected-resource/mcp")]
    [InlineData(".well-known/oauth-protected-resource/realtime")]
    public async Task Discovery_NeverAdvertisesOperatorScopes(string path)
    {
        var text = await fixture.Http.GetStringAsync(path, TestContext.Current.CancellationToken);

        Assert.DoesNotContain("agents:serve", text, StringComparison.Ordinal);
        Assert.DoesNotContain("realtime:feed", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("agents:serve")]
    [InlineData("realtime:feed")]
    public async Task Registration_AskingForAnOperatorScope_IsRefused(string scope)
    {
        using var response = await fixture.Http.PostAsJsonAsync("oauth/register", new Dictionary<string, object>
        {
            ["redirect_uris"] = new[] { "http://127.0.0.1:9/callback" },
            ["token_endpoint_auth_method"] = "none",
            ["scope"] = "tasks:read " + scope,
        }, TestContext.Current.CancellationToken);

        await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.BadRequest, "invalid_client_metadata");
    }

    [Theory]
    [InlineData("agents:serve")]
    [InlineData("realtime:feed")]
    public async Task Authorize_AskingForAnOperatorScope_IsRefused_NoCodeIssued(string scope)
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = fixture.CreateOAuthClient();
        const string redirect = "http://127.0.0.1:9/callback";
        var client = await oauth.RegisterAsync(redirect, cancellationToken: ct);

        var query = await oauth.FollowAuthorizeAsync(
            OAuthTestClient.AuthorizeUrl(client.ClientId, redirect, "tasks:read " + scope, Pkce.Create(), "s", fixture.Host.Issuer), redirect, ct);

        // OpenIddict refuses an unregistered scope before anything else, on its own error page: no redirect, no code.
        Assert.Null(query);
        Assert.Equal(HttpStatusCode.BadRequest, oauth.LastResponse?.Status);
        Assert.Contains("invalid_scope", oauth.LastResponse?.Body, StringComparison.Ordinal);
    }
}
