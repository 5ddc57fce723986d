using System.Net;
using Facade.Mocks.LegacyApi;
using Facade.Proxy.Admin;
using Facade.Proxy.Tests.EndToEnd;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// Stolen tokens after the account changed: a new password or a lock ends every grant made before it, at the token
/// endpoint (codes and refresh tokens carry the security stamp of their grant) and at a running edge (the admin
/// command revokes the user's access tokens in the ledger from another process). A lockout by failed logins stops
/// refreshes while it lasts.
/// </summary>
public sealed class AccountRevocationTests : IAsyncLifetime
{
    private readonly LegacyApiServer _legacy = LegacyApiServer.Start();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private FacadeHost _host = null!;

    public ValueTask InitializeAsync()
    {
        _host = FacadeHost.Start(_legacy.Url, new Dictionary<string, string?> { ["Facade:Accounts:MaxFailedAttempts"] = "2" },
            services: s => s.AddSingleton<TimeProvider>(_time));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _legacy.Dispose();
    }

    [Fact]
    public async Task StolenRefreshToken_StopsWorking_AfterSetPassword()
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = new OAuthTestClient(_host.BaseUrl);
        var (client, token) = await oauth.GetTokenAsync("tasks:read offline_access", cancellationToken: ct);

        var (exit, output) = await AdminAsync("set-password", "demo", "a brand new password\n");

        Assert.Equal(0, exit);
        Assert.Contains("Password of 'demo' replaced; 1 grant revoked", output);
        var refresh = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: ct);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.Status);
        Assert.Equal("invalid_grant", refresh.Error);
    }

    [Fact]
    public async Task StolenTokens_StopWorking_AfterUsersLock_AtTheTokenEndpointAndAtARunningEdge()
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = new OAuthTestClient(_host.BaseUrl);
        var (client, token) = await oauth.GetTokenAsync("tasks:read offline_access", cancellationToken: ct);
        using (var before = await OAuthFlowTests.Send(oauth.Api, HttpMethod.Get, "api/tasks", token.AccessToken!, ct))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        // The admin command is another process as far as the edge is concerned: its own services, the same database.
        var (exit, output) = await AdminAsync("lock", "demo");

        Assert.Equal(0, exit);
        Assert.Contains("User 'demo' locked", output);
        var refresh = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: ct);
        Assert.Equal("invalid_grant", refresh.Error);

        // The running edge remembered the access token as active; past Facade:Ledger:RevocationCheckInterval (1 s by
        // default) it reads the ledger again and sees the revocation.
        _time.Advance(TimeSpan.FromSeconds(1));
        using var after = await OAuthFlowTests.Send(oauth.Api, HttpMethod.Get, "api/tasks", token.AccessToken!, ct);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Theory]
    [InlineData("set-password")]
    [InlineData("lock")]
    public async Task StolenBrowserSession_GetsNoNewCode_AfterTheAccountChanged(string command)
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = new OAuthTestClient(_host.BaseUrl);
        var (client, _) = await oauth.GetTokenAsync("tasks:read", cancellationToken: ct);
        var authorize = OAuthTestClient.AuthorizeUrl(client.ClientId, client.RedirectUri, "tasks:read", Pkce.Create(), "again", _host.Issuer);
        using (var before = await oauth.Browser.GetAsync(authorize, ct))
        {
            // Signed in and consent remembered: straight back to the client with a code.
            Assert.StartsWith(client.RedirectUri, before.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        var (exit, _) = await AdminAsync(command, "demo", "a brand new password\n");
        Assert.Equal(0, exit);

        // The session cookie was issued under the old security stamp: it no longer signs anyone in.
        using var after = await oauth.Browser.GetAsync(authorize, ct);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/account/login", after.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshToken_IsRefused_WhileTheUserIsLockedOutByFailedLogins()
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = new OAuthTestClient(_host.BaseUrl);
        var (client, token) = await oauth.GetTokenAsync("tasks:read offline_access", cancellationToken: ct);

        using var attacker = new OAuthTestClient(_host.BaseUrl) { Password = "wrong-password" };
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => attacker.FollowAuthorizeAsync(
                OAuthTestClient.AuthorizeUrl(client.ClientId, client.RedirectUri, "tasks:read", Pkce.Create(), "s", null), client.RedirectUri, ct));
        }

        Assert.Contains("Too many failed attempts", attacker.LastResponse?.Body);
        var refresh = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: ct);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.Status);
        Assert.Equal("invalid_grant", refresh.Error);
    }

    [Fact]
    public async Task SecurityStamp_GoesIntoNoAccessOrIdentityToken()
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = new OAuthTestClient(_host.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("openid profile email offline_access", cancellationToken: ct);

        var identityToken = token.Json.GetProperty("id_token").GetString()!;
        foreach (var jwt in new[] { new JsonWebToken(token.AccessToken), new JsonWebToken(identityToken) })
        {
            Assert.DoesNotContain(jwt.Claims, c => c.Type.Contains("SecurityStamp", StringComparison.OrdinalIgnoreCase));
        }
    }

    private async Task<(int Exit, string Output)> AdminAsync(string command, string user, string stdin = "")
    {
        var output = new StringWriter();
        var exit = await AdminCommands.RunAsync(
            ["users", command, user, .. command == "set-password" ? ["--password-stdin"] : Array.Empty<string>(),
                "--environment=Development", $"--Facade:DataDirectory={_host.DataDirectory}"],
            new StringReader(stdin), output);
        return (exit, output.ToString());
    }
}
