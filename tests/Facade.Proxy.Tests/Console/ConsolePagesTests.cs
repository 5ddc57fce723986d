using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Facade.Proxy.Tests.FirstParty;
using Facade.Testing;

namespace Facade.Proxy.Tests.Console;

/// <summary>The console's server-rendered pages over plain HTTP: the token ledger, revocation, keys, set-up snippets, connected apps.</summary>
public sealed partial class ConsolePagesTests(FirstPartyTokenFixture fixture) : IClassFixture<FirstPartyTokenFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TokensPage_ListsOnlyTheUsersLiveTokens_NewestFirst_WithLastUse()
    {
        using var browser = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync());
        using var other = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync());
        var older = (await FirstPartyTokenFixture.MintOkAsync(browser)).GetProperty("access_token").GetString()!;
        var newer = (await FirstPartyTokenFixture.MintOkAsync(browser)).GetProperty("access_token").GetString()!;
        var foreign = (await FirstPartyTokenFixture.MintOkAsync(other)).GetProperty("access_token").GetString()!;

        var html = await ConsolePages.GetHtmlAsync(browser, "console/tokens");

        var jtis = RowJti().Matches(html).Select(m => m.Groups["jti"].Value).ToList();
        Assert.Contains(ConsolePages.JtiOf(older), jtis);
        Assert.Contains(ConsolePages.JtiOf(newer), jtis);
        Assert.DoesNotContain(ConsolePages.JtiOf(foreign), jtis);
        Assert.Contains("first-party", html, StringComparison.Ordinal);
        Assert.Contains("This console", html, StringComparison.Ordinal);

        // Used through the edge: the ledger records the use, off the request path, so the page shows it shortly after.
        using var used = await fixture.BearerAsync(HttpMethod.Get, "account/keys", newer);
        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string lastUsed;
        do
        {
            lastUsed = LastUsedOf(await ConsolePages.GetHtmlAsync(browser, "console/tokens"), ConsolePages.JtiOf(newer));
        }
        while (lastUsed == "—" && DateTime.UtcNow < deadline);

        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d UTC$", lastUsed);
        Assert.Equal("—", LastUsedOf(await ConsolePages.GetHtmlAsync(browser, "console/tokens"), ConsolePages.JtiOf(older)));
    }

    [Fact]
    public async Task RevokingAFirstPartyToken_StopsIt_AndMarksItRevoked()
    {
        using var browser = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync());
        var token = (await FirstPartyTokenFixture.MintOkAsync(browser)).GetProperty("access_token").GetString()!;
        var jti = ConsolePages.JtiOf(token);

        using var response = await ConsolePages.PostAsync(browser, "console/tokens", "Revoke", [new("jti", jti)]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console/tokens?revoked=true", response.Headers.Location?.OriginalString);
        using var refused = await fixture.BearerAsync(HttpMethod.Get, "account/keys", token);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.DoesNotContain(jti, await ConsolePages.GetHtmlAsync(browser, "console/tokens"), StringComparison.Ordinal);
        var all = await ConsolePages.GetHtmlAsync(browser, "console/tokens?ended=true");
        Assert.Contains($"data-jti=\"{jti}\" data-label=\"first-party\" data-state=\"revoked\"", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokingAnOAuthAccessToken_BehavesLikeOAuthRevoke_TheGrantsRefreshTokenStillWorks()
    {
        using var oauth = fixture.CreateOAuthClient();
        var (client, token) = await oauth.GetTokenAsync("tasks:read offline_access", cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, token.Status);
        var jti = ConsolePages.JtiOf(token.AccessToken!);
        var demo = new OAuthTestClient(fixture.Host.BaseUrl);
        using var signIn = await demo.SignInAsync(cancellationToken: Ct);
        Assert.Contains(jti, await ConsolePages.GetHtmlAsync(demo, "console/tokens"), StringComparison.Ordinal);

        using var response = await ConsolePages.PostAsync(demo, "console/tokens", "Revoke", [new("jti", jti)]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        using var refused = await fixture.BearerAsync(HttpMethod.Get, "api/tasks", token.AccessToken!);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        // RFC 7009 revocation of an access token leaves its grant alone: the refresh token still buys a new one.
        var refreshed = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        using var works = await fixture.BearerAsync(HttpMethod.Get, "api/tasks", refreshed.AccessToken!);
        Assert.Equal(HttpStatusCode.OK, works.StatusCode);
        demo.Dispose();
    }

    [Fact]
    public async Task KeysPage_CreatesAKeyThatWorks_ThenRevokesIt()
    {
        using var browser = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync());

        using var created = await ConsolePages.PostAsync(browser, "console/keys", "Create",
            [new("label", "ci job"), new("scopes", "tasks:read"), new("scopes", "organizations:read"), new("expires", "30")]);
        var html = await created.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var key = NewKey().Match(html).Groups["key"].Value;
        var id = KeyId().Match(html).Groups["id"].Value;
        using var works = await fixture.BearerAsync(HttpMethod.Get, "api/tasks", key);
        Assert.Equal(HttpStatusCode.OK, works.StatusCode);
        var list = await ConsolePages.GetHtmlAsync(browser, "console/keys");
        Assert.Contains("ci job", list, StringComparison.Ordinal);
        Assert.Contains(id, list, StringComparison.Ordinal);

        using var revoked = await ConsolePages.PostAsync(browser, "console/keys", "Revoke", [new("id", id)]);

        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        using var refused = await fixture.BearerAsync(HttpMethod.Get, "api/tasks", key);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.DoesNotContain(id, await ConsolePages.GetHtmlAsync(browser, "console/keys"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "tasks:read", "30", "Give the key a label")]
    [InlineData("no scopes", null, "30", "Choose at least one scope")]
    [InlineData("bad scope", "keys:write", "30", "Choose scopes from the list")]
    [InlineData("bad expiry", "tasks:read", "-5", "Choose when the key expires")]
    public async Task KeysPage_RefusesAnInvalidKey_SayingWhy(string label, string? scope, string expires, string message)
    {
        using var browser = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync());
        var fields = new List<KeyValuePair<string, string>> { new("label", label), new("expires", expires) };
        if (scope is not null)
        {
            fields.Add(new("scopes", scope));
        }

        using var response = await ConsolePages.PostAsync(browser, "console/keys", "Create", fields);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(message, html, StringComparison.Ordinal);
        Assert.DoesNotContain("new-key-value", html, StringComparison.Ordinal);
        Assert.Contains("id=\"no-keys\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysPage_OffersOnlyScopesTheUserMayHold()
    {
        using var browser = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync("tasks:read devices:read"));

        var html = await ConsolePages.GetHtmlAsync(browser, "console/keys");
        var offered = ScopeBox().Matches(html).Select(m => m.Groups["scope"].Value).ToArray();

        Assert.Equal(["tasks:read", "devices:read"], offered);
    }

    [Fact]
    public async Task SnippetsPage_UsesThisEdgesUrl_ForEveryClient()
    {
        using var browser = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync());
        var mcp = fixture.Host.BaseUrl + "mcp";

        var html = System.Net.WebUtility.HtmlDecode(await ConsolePages.GetHtmlAsync(browser, "console/snippets"));

        foreach (var id in new[] { "claude-desktop", "claude-code", "cursor", "vscode", "stdio" })
        {
            var snippet = Snippet(html, id);
            Assert.Contains(mcp, snippet, StringComparison.Ordinal);
            if (snippet.TrimStart().StartsWith('{'))
            {
                Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(snippet).RootElement.ValueKind);
            }
        }

        Assert.Equal($"claude mcp add --transport http facade {mcp}", Snippet(html, "claude-code"));
        var desktop = JsonDocument.Parse(Snippet(html, "claude-desktop")).RootElement.GetProperty("mcpServers").GetProperty("facade");
        Assert.Equal("facade-mcp", desktop.GetProperty("command").GetString());
        Assert.Equal(["--url", mcp], desktop.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        var vscode = JsonDocument.Parse(Snippet(html, "vscode")).RootElement.GetProperty("servers").GetProperty("facade");
        Assert.Equal("http", vscode.GetProperty("type").GetString());
        Assert.Equal(mcp, JsonDocument.Parse(Snippet(html, "cursor")).RootElement.GetProperty("mcpServers").GetProperty("facade").GetProperty("url").GetString());
    }

    [Fact]
    public async Task ConsentsPage_IsServedInsideTheConsole()
    {
        using var browser = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync());

        var html = await ConsolePages.GetHtmlAsync(browser, "console/consents");

        Assert.Contains("<h1>Connected apps</h1>", html, StringComparison.Ordinal);
        Assert.Contains("aria-current=\"page\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/console/tokens\"", html, StringComparison.Ordinal);
    }

    private static string LastUsedOf(string html, string jti)
    {
        var row = Regex.Match(html, $"<tr data-jti=\"{Regex.Escape(jti)}\".*?</tr>", RegexOptions.Singleline);
        Assert.True(row.Success, $"No row for {jti}");
        return System.Net.WebUtility.HtmlDecode(LastUsedCell().Match(row.Value).Groups["value"].Value.Trim());
    }

    private static string Snippet(string html, string id) =>
        Regex.Match(html, $"<pre id=\"snippet-{id}\"[^>]*><code>(?<text>.*?)</code></pre>", RegexOptions.Singleline).Groups["text"].Value;

    [GeneratedRegex("<tr data-jti=\"(?<jti>[^\"]+)\"")]
    private static partial Regex RowJti();

    [GeneratedRegex("<td class=\"last-used\">(?<value>[^<]*)</td>")]
    private static partial Regex LastUsedCell();

    [GeneratedRegex("data-key-id=\"(?<id>[^\"]+)\"")]
    private static partial Regex KeyId();

    [GeneratedRegex("id=\"new-key-value\"[^>]*value=\"(?<key>[^\"]+)\"")]
    private static partial Regex NewKey();

    [GeneratedRegex("type=\"checkbox\"[^>]*name=\"scopes\" value=\"(?<scope>[^\"]+)\"")]
    private static partial Regex ScopeBox();
}
