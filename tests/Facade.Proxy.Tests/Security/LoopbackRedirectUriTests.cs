using System.Net;
using Facade.Testing;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// Loopback redirect URIs match on any port (RFC 8252 §7.3): a native client registered with
/// <c>http://127.0.0.1:9/callback</c> may come back on whatever port it listens on today. Only the port may differ,
/// only for the IP literals <c>127.0.0.1</c> and <c>[::1]</c>; everything else still matches exactly.
/// </summary>
public sealed class LoopbackRedirectUriTests(AuthorizationFixture fixture) : IClassFixture<AuthorizationFixture>
{
    private const string State = "loopback-state";

    [Theory]
    [InlineData("http://127.0.0.1:9/callback", "http://127.0.0.1:54321/callback")]
    [InlineData("http://127.0.0.1:9/callback", "http://127.0.0.1/callback")]
    [InlineData("http://127.0.0.1/callback", "http://127.0.0.1:54321/callback")]
    [InlineData("http://[::1]:9/callback", "http://[::1]:54321/callback")]
    [InlineData("http://127.0.0.1:9/callback?app=cli", "http://127.0.0.1:54321/callback?app=cli")]
    public async Task LoopbackRedirectUri_OnAnotherPort_CompletesTheFlow(string registered, string used)
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await fixture.Browser.RegisterAsync(registered, cancellationToken: ct);
        var pkce = Pkce.Create();

        var query = await fixture.Browser.FollowAuthorizeAsync(
            OAuthTestClient.AuthorizeUrl(client.ClientId, used, "tasks:read", pkce, State, fixture.Host.Issuer), used, ct);

        Assert.True(query is not null, $"Authorization stopped: {fixture.Browser.LastResponse}");
        Assert.Equal(State, query["state"]);
        var token = await fixture.Browser.ExchangeCodeAsync(client with { RedirectUri = used }, query["code"], pkce.Verifier, fixture.Host.Issuer, ct);
        Assert.True(token.Status == HttpStatusCode.OK, token.Json.ToString());
    }

    [Fact]
    public async Task TokenRequest_MustRepeatThePortUsedAtAuthorize_NotTheRegisteredOne()
    {
        // RFC 6749 §4.1.3: the token request's redirect_uri is identical to the authorization request's.
        var ct = TestContext.Current.CancellationToken;
        const string used = "http://127.0.0.1:54322/callback";
        var pkce = Pkce.Create();
        var query = await fixture.Browser.FollowAuthorizeAsync(
            OAuthTestClient.AuthorizeUrl(fixture.Native.ClientId, used, "tasks:read", pkce, State, fixture.Host.Issuer), used, ct);
        Assert.NotNull(query);

        var token = await fixture.Browser.ExchangeCodeAsync(fixture.Native, query["code"], pkce.Verifier, fixture.Host.Issuer, ct);

        Assert.Equal(HttpStatusCode.BadRequest, token.Status);
        Assert.Equal("invalid_grant", token.Error);
    }

    public static TheoryData<string, string, string> HostileRedirects => new()
    {
        { "another loopback address", AuthorizationFixture.NativeRedirect, "http://127.0.0.2:9/callback" },
        { "IPv6 loopback for an IPv4 registration", AuthorizationFixture.NativeRedirect, "http://[::1]:9/callback" },
        { "localhost for an IP registration", AuthorizationFixture.NativeRedirect, "http://localhost:9/callback" },
        { "another path", AuthorizationFixture.NativeRedirect, "http://127.0.0.1:5555/evil" },
        { "longer path", AuthorizationFixture.NativeRedirect, "http://127.0.0.1:5555/callback/evil" },
        { "trailing slash", AuthorizationFixture.NativeRedirect, "http://127.0.0.1:5555/callback/" },
        { "path in another case", AuthorizationFixture.NativeRedirect, "http://127.0.0.1:5555/CALLBACK" },
        { "extra query", AuthorizationFixture.NativeRedirect, "http://127.0.0.1:5555/callback?next=https://evil.example/" },
        { "https instead of http", AuthorizationFixture.NativeRedirect, "https://127.0.0.1:5555/callback" },
        { "loopback literal as a subdomain", AuthorizationFixture.NativeRedirect, "http://127.0.0.1.attacker.example:5555/callback" },
        { "loopback literal as a subdomain, no port", AuthorizationFixture.NativeRedirect, "http://127.0.0.1.attacker.example/callback" },
        { "port then user info", AuthorizationFixture.NativeRedirect, "http://127.0.0.1:5555@attacker.example/callback" },
        { "loopback as user info", AuthorizationFixture.NativeRedirect, "http://127.0.0.1@attacker.example:5555/callback" },
        { "user info before loopback", AuthorizationFixture.NativeRedirect, "http://attacker.example@127.0.0.1:5555/callback" },
        { "backslash after the port", AuthorizationFixture.NativeRedirect, "http://127.0.0.1:5555\\@attacker.example/callback" },
        { "port out of range", AuthorizationFixture.NativeRedirect, "http://127.0.0.1:99999/callback" },
        { "decimal form of 127.0.0.1", AuthorizationFixture.NativeRedirect, "http://2130706433:5555/callback" },
        { "fragment", AuthorizationFixture.NativeRedirect, "http://127.0.0.1:5555/callback#evil" },
        { "non-loopback https with another port", "https://client.example:8443/callback", "https://client.example:9443/callback" },
        { "non-loopback https, port added", "https://client.example/callback", "https://client.example:8443/callback" },
        { "localhost registration, another port", "http://localhost:8765/callback", "http://localhost:9876/callback" },
    };

    [Theory]
    [MemberData(nameof(HostileRedirects))]
    public async Task RedirectUri_DifferingInMoreThanTheLoopbackPort_Is400Json_NeverARedirect(string @case, string registered, string used)
    {
        _ = @case; // Only names the row in the test results.
        var ct = TestContext.Current.CancellationToken;
        var clientId = registered == AuthorizationFixture.NativeRedirect
            ? fixture.Native.ClientId
            : (await fixture.Browser.RegisterAsync(registered, cancellationToken: ct)).ClientId;

        using var response = await fixture.Browser.Browser.GetAsync(
            OAuthTestClient.AuthorizeUrl(clientId, used, "tasks:read", Pkce.Create(), State, fixture.Host.Issuer), ct);

        Assert.Null(response.Headers.Location);
        await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }
}
