using System.Net;
using System.Net.Http.Headers;
using Facade.Proxy.Tests.FirstParty;

namespace Facade.Proxy.Tests.Security;

/// <summary>Hostile callers of <c>POST /oauth/first-party-token</c> and <c>GET /account/antiforgery</c>: no session, no or someone else's antiforgery token, stale sessions, bearer tokens.</summary>
public sealed class FirstPartyTokenSecurityTests(FirstPartyTokenFixture fixture) : IClassFixture<FirstPartyTokenFixture>
{
    [Theory]
    [InlineData("oauth/first-party-token")]
    [InlineData("first-party-token")]
    public async Task NoCookie_Is401_EvenWithABearerToken(string path)
    {
        var bearer = await fixture.SharedAccessTokenAsync("tasks:read keys:write");

        using var none = await FirstPartyTokenFixture.MintAsync(fixture.Http, "anything", path: path);
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var bearerOnly = await fixture.Http.SendAsync(request, TestContext.Current.CancellationToken);
        using var antiforgery = await fixture.Http.GetAsync("account/antiforgery", TestContext.Current.CancellationToken);

        await SecurityAssert.JsonErrorAsync(none, HttpStatusCode.Unauthorized, "login_required");
        await SecurityAssert.JsonErrorAsync(bearerOnly, HttpStatusCode.Unauthorized, "login_required", bearer);
        await SecurityAssert.JsonErrorAsync(antiforgery, HttpStatusCode.Unauthorized, "login_required");
    }

    [Fact]
    public async Task MissingForgedOrForeignAntiforgeryToken_Is400_AndMintsNothing()
    {
        using var browser = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync());
        using var other = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync());
        var foreign = await FirstPartyTokenFixture.AntiforgeryTokenAsync(other);
        var own = await FirstPartyTokenFixture.AntiforgeryTokenAsync(browser);

        using var missing = await FirstPartyTokenFixture.MintAsync(browser.Browser, null);
        using var forged = await FirstPartyTokenFixture.MintAsync(browser.Browser, own[..^4] + "AAAA");
        using var ofAnotherSession = await FirstPartyTokenFixture.MintAsync(browser.Browser, foreign);

        foreach (var response in new[] { missing, forged, ofAnotherSession })
        {
            await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", own, foreign);
        }
    }

    [Fact]
    public async Task LockedOutUser_Is401()
    {
        var user = await fixture.CreateUserAsync();
        using var browser = await fixture.SignedInBrowserAsync(user);
        var antiforgery = await FirstPartyTokenFixture.AntiforgeryTokenAsync(browser);

        await fixture.ChangeUserAsync(user, (users, u) => users.SetLockoutEndDateAsync(u, DateTimeOffset.UtcNow.AddHours(1)));

        using var response = await FirstPartyTokenFixture.MintAsync(browser.Browser, antiforgery);
        await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.Unauthorized, "login_required");
    }

    [Fact]
    public async Task SessionFromBeforeAPasswordChange_Is401()
    {
        var user = await fixture.CreateUserAsync();
        using var browser = await fixture.SignedInBrowserAsync(user);
        var antiforgery = await FirstPartyTokenFixture.AntiforgeryTokenAsync(browser);

        await fixture.ChangeUserAsync(user, (users, u) => users.ChangePasswordAsync(u, FirstPartyTokenFixture.Password, "a brand new password"));

        using var response = await FirstPartyTokenFixture.MintAsync(browser.Browser, antiforgery);
        await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.Unauthorized, "login_required");
    }

    [Theory]
    [InlineData("oauth/first-party-token")]
    [InlineData("first-party-token")]
    public async Task Get_Is405(string path)
    {
        using var browser = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync());

        using var response = await browser.Browser.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task UnknownScope_Is400InvalidScope()
    {
        using var browser = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync());
        var antiforgery = await FirstPartyTokenFixture.AntiforgeryTokenAsync(browser);

        using var unknown = await FirstPartyTokenFixture.MintAsync(browser.Browser, antiforgery,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["scope"] = "agents:serve" }));

        await SecurityAssert.JsonErrorAsync(unknown, HttpStatusCode.BadRequest, "invalid_scope");
    }
}

/// <summary>An edge that allows two first-party token requests per address and minute.</summary>
public sealed class TightFirstPartyLimitFixture : EdgeFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Facade:FirstParty:PermitsPerMinute"] = "2" };
}

/// <summary>The mint endpoint is rate-limited per client address like <c>/oauth/key-token</c> and DCR.</summary>
public sealed class FirstPartyTokenRateLimitTests(TightFirstPartyLimitFixture fixture) : IClassFixture<TightFirstPartyLimitFixture>
{
    [Fact]
    public async Task ThirdRequestInAMinute_Is429_OnEitherPath()
    {
        using var first = await FirstPartyTokenFixture.MintAsync(fixture.Http, null);
        using var second = await FirstPartyTokenFixture.MintAsync(fixture.Http, null, path: "first-party-token");
        using var third = await FirstPartyTokenFixture.MintAsync(fixture.Http, null);

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
    }
}
