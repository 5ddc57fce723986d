using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Facade.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using OpenIddict.Abstractions;

namespace Facade.Mcp.Bridge.Tests;

/// <summary>
/// OAuth mode: the bridge registers itself, prints the authorize URL (<c>--no-browser</c>), and waits on its loopback
/// redirect; the test plays the browser (login and consent on the real edge, then the redirect back to the bridge).
/// Later processes reuse, refresh or forget the cached tokens.
/// </summary>
public sealed class OAuthModeTests : BridgeStackTest
{
    private string CacheFile => Path.Combine(Work, "config", "tokens.json");

    private string CacheKey => Stack.McpUrl.AbsoluteUri.TrimEnd('/');

    [Fact]
    public async Task BrowserSignIn_ThenCachedTokens_ThenRefresh_AcrossProcesses()
    {
        var ct = TestContext.Current.CancellationToken;

        // 1. First start: sign in through the "browser".
        var firstLog = new StderrLog();
        await using (var first = await SignInAsync(firstLog, ct))
        {
            var created = await first.CallToolAsync("create_task",
                new Dictionary<string, object?> { ["title"] = "Signed in through the bridge", ["organizationId"] = "org-1" }, cancellationToken: ct);
            Assert.True(created.IsError is not true, TokenModeTests.Text(created));
        }

        Assert.Contains(Stack.Legacy.Requests, r => r.Method == "POST" && r.Body?.Contains("Signed in through the bridge", StringComparison.Ordinal) == true);
        var signedIn = CachedEntry();
        var tokens = signedIn["tokens"]!;
        Assert.StartsWith("ey", (string?)tokens["accessToken"], StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty((string?)tokens["refreshToken"]));
        Assert.Equal(Stack.Edge.Issuer, (string?)tokens["authorizationServer"]);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(CacheFile));
        }

        var cacheText = File.ReadAllText(CacheFile);
        Assert.DoesNotContain(firstLog.Lines, line => line.Contains((string)tokens["accessToken"]!, StringComparison.Ordinal));

        // 2. Second process, same cache: no browser, the cached access token just works.
        var secondLog = new StderrLog();
        await using (var second = await Bridge.ConnectAsync(Arguments(), secondLog, cancellationToken: ct))
        {
            Assert.Contains((await second.ListToolsAsync(cancellationToken: ct)), t => t.Name == "create_task");
        }

        Assert.DoesNotContain(secondLog.Lines, IsAuthorizeUrl);
        Assert.Equal(cacheText, File.ReadAllText(CacheFile));

        // 3. Third process after the access token expired: the SDK refreshes it (the refresh token rotates), no browser.
        var expired = JsonNode.Parse(cacheText)!;
        expired["servers"]![CacheKey]!["tokens"]!["obtainedAt"] = DateTimeOffset.UtcNow.AddHours(-2).ToString("O");
        File.WriteAllText(CacheFile, expired.ToJsonString());
        var thirdLog = new StderrLog();
        await using (var third = await Bridge.ConnectAsync(Arguments(), thirdLog, cancellationToken: ct))
        {
            var listed = await third.CallToolAsync("list_tasks", new Dictionary<string, object?>(), cancellationToken: ct);
            Assert.True(listed.IsError is not true, TokenModeTests.Text(listed));
        }

        Assert.DoesNotContain(thirdLog.Lines, IsAuthorizeUrl);
        var refreshed = CachedEntry()["tokens"]!;
        Assert.NotEqual((string?)tokens["accessToken"], (string?)refreshed["accessToken"]);
        Assert.NotEqual((string?)tokens["refreshToken"], (string?)refreshed["refreshToken"]);
        Assert.Equal((string?)tokens["clientId"], (string?)refreshed["clientId"]);
    }

    [Fact]
    public async Task NewSignIn_OnAnotherCallbackPort_ReusesTheRegisteredClient_AndItsConsent()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var first = await SignInAsync(new StderrLog(), ct))
        {
            Assert.Contains(await first.ListToolsAsync(cancellationToken: ct), t => t.Name == "create_task");
        }

        // The tokens are gone (expired, no refresh token), so the next start signs in again, on another port.
        var cached = JsonNode.Parse(File.ReadAllText(CacheFile))!;
        var entry = cached["servers"]![CacheKey]!;
        var clientId = (string)entry["tokens"]!["clientId"]!;
        var firstPort = new Uri((string)entry["redirectUri"]!).Port;
        entry["tokens"]!["refreshToken"] = null;
        entry["tokens"]!["obtainedAt"] = DateTimeOffset.UtcNow.AddHours(-2).ToString("O");
        File.WriteAllText(CacheFile, cached.ToJsonString());
        var otherPort = FreePortOtherThan(firstPort);
        var clients = await CountClientsAsync(ct);

        var log = new StderrLog();
        var connecting = Bridge.ConnectAsync([.. Arguments(), "--callback-port", otherPort.ToString(System.Globalization.CultureInfo.InvariantCulture)], log, cancellationToken: ct);
        var authorizeUrl = (await log.WaitForAsync(IsAuthorizeUrl, ct)).Trim();
        var query = QueryHelpers.ParseQuery(new Uri(authorizeUrl).Query);
        Assert.Equal($"http://127.0.0.1:{otherPort}/callback", query["redirect_uri"].ToString());
        Assert.Equal(clientId, query["client_id"].ToString());

        using var browser = new OAuthTestClient(Stack.Edge.BaseUrl);
        Assert.Contains("You can close this window", await CompleteInBrowserAsync(browser, authorizeUrl, ct), StringComparison.Ordinal);
        await using (var second = await connecting)
        {
            Assert.Contains(await second.ListToolsAsync(cancellationToken: ct), t => t.Name == "create_task");
        }

        // No second registration, and the consent given for the registered loopback redirect still counts.
        Assert.Equal(clients, await CountClientsAsync(ct));
        Assert.DoesNotContain("/account/consent", browser.VisitedPages);
        Assert.Equal(clientId, (string?)CachedEntry()["tokens"]!["clientId"]);
    }

    [Fact]
    public async Task LoginOnly_ThenLogout_RevokesAndForgetsTheTokens_SoTheNextStartSignsInAgain()
    {
        var ct = TestContext.Current.CancellationToken;

        // --login: sign in, cache, exit (no stdio serving): for hosts that do not wait for a browser.
        await using (var login = Bridge.Start([.. Arguments(), "--login"]))
        {
            var authorizeUrl = (await login.Stderr.WaitForAsync(IsAuthorizeUrl, ct)).Trim();
            using var browser = new OAuthTestClient(Stack.Edge.BaseUrl);
            await CompleteInBrowserAsync(browser, authorizeUrl, ct);
            var (exitCode, stdout) = await login.WaitForExitAsync(ct, closeStdin: false);
            Assert.Equal(0, exitCode);
            Assert.Empty(stdout);
            Assert.Contains(login.Stderr.Lines, line => line.Contains("connected to facade", StringComparison.Ordinal));
        }

        var tokens = CachedEntry()["tokens"]!;
        await using (var logout = Bridge.Start([.. Arguments(), "--logout"]))
        {
            var (exitCode, stdout) = await logout.WaitForExitAsync(ct);
            Assert.Equal(0, exitCode);
            Assert.Empty(stdout);
            Assert.Contains(logout.Stderr.Lines, line => line.Contains("the edge revoked the tokens", StringComparison.Ordinal));
        }

        var document = JsonNode.Parse(File.ReadAllText(CacheFile))!;
        Assert.Null(document["servers"]![CacheKey]);

        // Revoked at the edge, not only forgotten: the access token is refused and the refresh token is dead.
        using (var api = Stack.Edge.CreateHttpClient())
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/tasks");
            request.Headers.Authorization = new("Bearer", (string)tokens["accessToken"]!);
            using var response = await api.SendAsync(request, ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using (var oauth = new OAuthTestClient(Stack.Edge.BaseUrl))
        {
            var client = new RegisteredClient((string)tokens["clientId"]!, (string?)tokens["clientSecret"], "unused");
            var refresh = await oauth.RefreshAsync(client, (string)tokens["refreshToken"]!, cancellationToken: ct);
            Assert.Equal("invalid_grant", refresh.Error);
        }

        // A second logout has nothing left to do.
        await using (var again = Bridge.Start([.. Arguments(), "--logout"]))
        {
            var (exitCode, _) = await again.WaitForExitAsync(ct);
            Assert.Equal(0, exitCode);
            Assert.Contains(again.Stderr.Lines, line => line.Contains("no cached sign-in", StringComparison.Ordinal));
        }

        // The next start needs the browser again.
        await using var next = Bridge.Start(Arguments());
        var url = await next.Stderr.WaitForAsync(IsAuthorizeUrl, ct);
        Assert.Contains("/oauth/authorize", url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NarrowedScope_DeniedConsent_EndsTheBridgeWithAnAuthorizationError()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bridge = Bridge.Start([.. Arguments(), "--scope", "tasks:read"]);
        var authorizeUrl = (await bridge.Stderr.WaitForAsync(IsAuthorizeUrl, ct)).Trim();

        // --scope narrows the sign-in (offline_access stays, for the refresh token).
        var scopes = QueryHelpers.ParseQuery(new Uri(authorizeUrl).Query)["scope"].ToString().Split(' ');
        Assert.Equal(["offline_access", "tasks:read"], scopes.Order(StringComparer.Ordinal));

        using var browser = new OAuthTestClient(Stack.Edge.BaseUrl) { AllowConsent = false };
        var page = await CompleteInBrowserAsync(browser, authorizeUrl, ct);
        Assert.Contains("Sign-in failed", page, StringComparison.Ordinal);

        var (exitCode, stdout) = await bridge.WaitForExitAsync(ct, closeStdin: false);
        Assert.Equal(77, exitCode);
        Assert.Empty(stdout);
        Assert.Contains(bridge.Stderr.Lines, line => line.Contains("sign-in failed: access_denied", StringComparison.Ordinal));
        Assert.False(File.Exists(CacheFile) && JsonNode.Parse(File.ReadAllText(CacheFile))!["servers"]![CacheKey] is not null);
    }

    /// <summary>Starts a bridge on an empty cache and completes its browser sign-in.</summary>
    private async Task<McpClient> SignInAsync(StderrLog stderr, CancellationToken ct)
    {
        var connecting = Bridge.ConnectAsync(Arguments(), stderr, cancellationToken: ct);
        var authorizeUrl = (await stderr.WaitForAsync(IsAuthorizeUrl, ct)).Trim();
        using var browser = new OAuthTestClient(Stack.Edge.BaseUrl);
        var page = await CompleteInBrowserAsync(browser, authorizeUrl, ct);
        Assert.Contains("You can close this window", page, StringComparison.Ordinal);
        Assert.Contains("/account/consent", browser.VisitedPages);
        return await connecting;
    }

    /// <summary>Login and consent on the edge, then the redirect back to the bridge's loopback listener; returns the page it answered.</summary>
    private static async Task<string> CompleteInBrowserAsync(OAuthTestClient browser, string authorizeUrl, CancellationToken ct)
    {
        var redirectUri = QueryHelpers.ParseQuery(new Uri(authorizeUrl).Query)["redirect_uri"].ToString();
        Assert.StartsWith("http://127.0.0.1:", redirectUri, StringComparison.Ordinal);
        var query = await browser.FollowAuthorizeAsync(authorizeUrl, redirectUri, ct)
            ?? throw new InvalidOperationException($"Authorization stopped: {browser.LastResponse}");
        using var http = new HttpClient();
        return await http.GetStringAsync(QueryHelpers.AddQueryString(redirectUri, query.ToDictionary(p => p.Key, p => (string?)p.Value)), ct);
    }

    private async Task<long> CountClientsAsync(CancellationToken ct)
    {
        await using var scope = Stack.Edge.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CountAsync(ct);
    }

    private static int FreePortOtherThan(int port)
    {
        while (true)
        {
            var free = LoopbackPort.Free();
            if (free != port)
            {
                return free;
            }
        }
    }

    private static bool IsAuthorizeUrl(string line) =>
        line.StartsWith("  http", StringComparison.Ordinal) && line.Contains("/oauth/authorize?", StringComparison.Ordinal);

    private string[] Arguments() => ["--url", Stack.McpUrl.AbsoluteUri, "--no-browser", "--token-cache", CacheFile];

    private JsonNode CachedEntry() =>
        JsonNode.Parse(File.ReadAllText(CacheFile))!["servers"]![CacheKey] ?? throw new InvalidOperationException("No cache entry.");
}
