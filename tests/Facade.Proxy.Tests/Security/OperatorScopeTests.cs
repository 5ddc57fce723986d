using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Facade.Testing;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// <c>agents:serve</c> is operator-only: never advertised, never registrable, never granted through OAuth; only agent
/// keys the admin command line makes carry it.
/// </summary>
public sealed class OperatorScopeTests(EdgeFixture fixture) : IClassFixture<EdgeFixture>
{
    [Theory]
    [InlineData(".well-known/oauth-authorization-server")]
    [InlineData(".well-known/openid-configuration")]
    [InlineData(".well-known/oauth-protected-resource")]
    [InlineData(".well-known/oauth-protected-resource/mcp")]
    public async Task Discovery_NeverAdvertisesAgentsServe(string path)
    {
        var text = await fixture.Http.GetStringAsync(path, TestContext.Current.CancellationToken);

        Assert.DoesNotContain("agents:serve", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registration_AskingForAgentsServe_IsRefused()
    {
        using var response = await fixture.Http.PostAsJsonAsync("oauth/register", new Dictionary<string, object>
        {
            ["redirect_uris"] = new[] { "http://127.0.0.1:9/callback" },
            ["token_endpoint_auth_method"] = "none",
            ["scope"] = "tasks:read agents:serve",
        }, TestContext.Current.CancellationToken);

        await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.BadRequest, "invalid_client_metadata");
    }

    [Fact]
    public async Task Authorize_AskingForAgentsServe_IsRefused_NoCodeIssued()
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = fixture.CreateOAuthClient();
        const string redirect = "http://127.0.0.1:9/callback";
        var client = await oauth.RegisterAsync(redirect, cancellationToken: ct);

        var query = await oauth.FollowAuthorizeAsync(
            OAuthTestClient.AuthorizeUrl(client.ClientId, redirect, "tasks:read agents:serve", Pkce.Create(), "s", fixture.Host.Issuer), redirect, ct);

        // OpenIddict refuses an unregistered scope before anything else, on its own error page: no redirect, no code.
        Assert.Null(query);
        Assert.Equal(HttpStatusCode.BadRequest, oauth.LastResponse?.Status);
        Assert.Contains("invalid_scope", oauth.LastResponse?.Body, StringComparison.Ordinal);
    }
}
