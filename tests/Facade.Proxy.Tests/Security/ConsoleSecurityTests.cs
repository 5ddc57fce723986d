using System.Net;
using System.Text.RegularExpressions;
using Facade.Proxy.Tests.Console;
using Facade.Proxy.Tests.FirstParty;
using Facade.Testing;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// Hostile and careless use of the console (<c>/console/*</c>): no session, forms without antiforgery, someone else's
/// token or key id, secrets in pages, and the browser protections every console page must carry.
/// </summary>
public sealed partial class ConsoleSecurityTests(FirstPartyTokenFixture fixture) : IClassFixture<FirstPartyTokenFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Pages => [.. ConsolePages.All];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task WithoutASession_EveryPageRedirectsToLogin(string path)
    {
        using var response = await fixture.Http.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        var target = location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
        Assert.Equal("/account/login?ReturnUrl=" + Uri.EscapeDataString("/" + path), target);
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task EveryPage_HasAStrictPolicy_OwnScriptsOnly_NoStore(string path)
    {
        using var browser = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync());

        using var response = await browser.Browser.GetAsync(path, Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single()
            .Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d.Split(' ').Skip(1).ToArray());
        Assert.Equal(["'none'"], policy["default-src"]);
        Assert.Equal(["'none'"], policy["frame-ancestors"]);
        Assert.Equal(["'none'"], policy["base-uri"]);
        Assert.Equal(["'self'"], policy["script-src"]);
        Assert.Equal(["'self'"], policy["style-src"]);
        Assert.Equal(["'self'", "ws://" + fixture.Host.BaseUrl.Authority], policy["connect-src"]);
        Assert.Equal(["'self'"], policy["form-action"]);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(response.Headers.CacheControl?.NoStore);

        // Nothing inline that the policy would have to allow: every script has a src, no style blocks or attributes.
        Assert.DoesNotMatch(InlineScript(), html);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" style=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(EventHandlerAttribute(), html);
    }

    [Fact]
    public async Task ScriptFiles_AreServedByTheEdge_WithTheirTypeAndNosniff()
    {
        foreach (var file in new[] { "console.js", "devices.js", "tools.js" })
        {
            using var response = await fixture.Http.GetAsync("console/assets/" + file, Ct);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }
    }

    [Fact]
    public async Task FormsWithoutAntiforgery_Are400_AndChangeNothing()
    {
        var user = await fixture.CreateUserAsync();
        using var browser = await fixture.SignedInBrowserAsync(user);
        var token = (await FirstPartyTokenFixture.MintOkAsync(browser)).GetProperty("access_token").GetString()!;
        using var created = await ConsolePages.PostAsync(browser, "console/keys", "Create",
            [new("label", "kept"), new("scopes", "tasks:read"), new("expires", "30")]);
        var keyId = KeyId().Match(await ConsolePages.GetHtmlAsync(browser, "console/keys")).Groups["id"].Value;
        Assert.NotEmpty(keyId);

        using var revokeToken = await ConsolePages.PostAsync(browser, "console/tokens", "Revoke", [new("jti", ConsolePages.JtiOf(token))], antiforgery: false);
        using var createKey = await ConsolePages.PostAsync(browser, "console/keys", "Create",
            [new("label", "forged"), new("scopes", "tasks:read"), new("expires", "30")], antiforgery: false);
        using var revokeKey = await ConsolePages.PostAsync(browser, "console/keys", "Revoke", [new("id", keyId)], antiforgery: false);

        Assert.Equal(HttpStatusCode.BadRequest, revokeToken.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, createKey.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, revokeKey.StatusCode);
        Assert.True(await fixture.Ledger.IsActiveAsync(ConsolePages.JtiOf(token), Ct));
        var keys = await ConsolePages.GetHtmlAsync(browser, "console/keys");
        Assert.Contains($"data-key-id=\"{keyId}\"", keys, StringComparison.Ordinal);
        Assert.DoesNotContain("forged", keys, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokingAnotherUsersToken_Is404_AndTheTokenStillWorks()
    {
        using var attacker = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync());
        using var victim = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync());
        var victimToken = (await FirstPartyTokenFixture.MintOkAsync(victim)).GetProperty("access_token").GetString()!;
        var jti = ConsolePages.JtiOf(victimToken);

        using var response = await ConsolePages.PostAsync(attacker, "console/tokens", "Revoke", [new("jti", jti)]);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        SecurityAssert.NoLeak(await response.Content.ReadAsStringAsync(Ct), victimToken, jti);
        Assert.True(await fixture.Ledger.IsActiveAsync(jti, Ct));
        using var stillWorks = await fixture.BearerAsync(HttpMethod.Get, "account/keys", victimToken);
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
        Assert.DoesNotContain(jti, await ConsolePages.GetHtmlAsync(attacker, "console/tokens?ended=true"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokingUnknownOrAlreadyRevokedToken_Is404()
    {
        using var browser = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync());
        var jti = ConsolePages.JtiOf((await FirstPartyTokenFixture.MintOkAsync(browser)).GetProperty("access_token").GetString()!);
        using var first = await ConsolePages.PostAsync(browser, "console/tokens", "Revoke", [new("jti", jti)]);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);

        using var again = await ConsolePages.PostAsync(browser, "console/tokens", "Revoke", [new("jti", jti)]);
        using var unknown = await ConsolePages.PostAsync(browser, "console/tokens", "Revoke", [new("jti", Guid.NewGuid().ToString())]);
        using var empty = await ConsolePages.PostAsync(browser, "console/tokens", "Revoke", []);

        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, empty.StatusCode);
    }

    [Fact]
    public async Task RevokingAnotherUsersKey_Is404_AndTheKeyStillWorks()
    {
        using var attacker = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync());
        using var victim = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync());
        using var created = await ConsolePages.PostAsync(victim, "console/keys", "Create",
            [new("label", "victim key"), new("scopes", "tasks:read"), new("expires", "30")]);
        var html = await created.Content.ReadAsStringAsync(Ct);
        var key = NewKey().Match(html).Groups["key"].Value;
        var keyId = KeyId().Match(html).Groups["id"].Value;
        Assert.StartsWith("fk_u_", key, StringComparison.Ordinal);

        using var response = await ConsolePages.PostAsync(attacker, "console/keys", "Revoke", [new("id", keyId)]);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var stillWorks = await fixture.BearerAsync(HttpMethod.Get, "api/tasks", key);
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
        Assert.DoesNotContain(keyId, await ConsolePages.GetHtmlAsync(attacker, "console/keys"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoTokenOrKeyValue_IsEverRendered_ExceptTheNewKeyOnce()
    {
        using var browser = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync());
        var token = (await FirstPartyTokenFixture.MintOkAsync(browser)).GetProperty("access_token").GetString()!;

        using var created = await ConsolePages.PostAsync(browser, "console/keys", "Create",
            [new("label", "shown once"), new("scopes", "tasks:read"), new("expires", "7")]);
        var createdHtml = await created.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.True(created.Headers.CacheControl?.NoStore);
        var key = NewKey().Match(createdHtml).Groups["key"].Value;
        Assert.StartsWith("fk_u_", key, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(createdHtml, Regex.Escape(key)));

        foreach (var path in ConsolePages.All.Append("console/tokens?ended=true"))
        {
            var html = await ConsolePages.GetHtmlAsync(browser, path);
            Assert.DoesNotContain(key, html, StringComparison.Ordinal);
            Assert.DoesNotContain("fk_u_", html, StringComparison.Ordinal);
            Assert.DoesNotContain(token, html, StringComparison.Ordinal);
            Assert.DoesNotContain(token.Split('.')[2], html, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex("<script(?![^>]*\\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex("\\son[a-z]+=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerAttribute();

    [GeneratedRegex("data-key-id=\"(?<id>[^\"]+)\"")]
    private static partial Regex KeyId();

    [GeneratedRegex("id=\"new-key-value\"[^>]*value=\"(?<key>[^\"]+)\"")]
    private static partial Regex NewKey();
}
