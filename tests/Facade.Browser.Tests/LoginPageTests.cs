using System.Net;
using Facade.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Facade.Browser.Tests;

/// <summary>The sign-in journey in a real Chromium: login page, consent page, back to the client with a usable code.</summary>
public sealed class LoginPageTests(ChromiumFixture chromium) : BrowserTest(chromium), IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task FullSignIn_LoginThenConsentThenAllow_RedirectsWithCodeThatBuysAToken()
    {
        var client = await RegisterAsync();
        var pkce = Pkce.Create();
        var state = NewState();

        // The unauthenticated browser is sent to the login page.
        await Page.GotoAsync(AuthorizeUrl(client, pkce, state));
        await Expect(Page).ToHaveURLAsync(Urls.LoginPage());
        await Expect(Page).ToHaveTitleAsync("Sign in · Facade");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sign in to Facade");
        await Expect(Page.GetByLabel("User name")).ToHaveAttributeAsync("autocomplete", "username");
        var password = Page.GetByLabel("Password");
        await Expect(password).ToHaveAttributeAsync("type", "password");
        await Expect(password).ToHaveAttributeAsync("autocomplete", "current-password");
        await Expect(Page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
        await Expect(Page.Locator("#sign-in")).ToHaveTextAsync("Sign in");

        // Signing in continues the authorize request, which asks for consent.
        await SubmitLoginAsync("demo", "demo-password");
        await Expect(Page).ToHaveURLAsync(Urls.ConsentPage());
        await Expect(Page).ToHaveTitleAsync("Allow access · Facade");
        await Expect(Page.Locator("#client-name")).ToHaveTextAsync(ClientName);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(ClientName + " wants to access your account");
        await Expect(Page.Locator("#redirect-host")).ToHaveTextAsync(Callback.Authority);
        await Expect(Page.Locator("#redirect-hosts li")).ToHaveCountAsync(1);
        await Expect(Page.Locator("#redirect-hosts li[aria-current='true']")).ToHaveTextAsync("127.0.0.1 (an app on this computer, this request)");
        await Expect(Page.Locator("#scopes li")).ToHaveCountAsync(ScopeWords.Length);
        foreach (var (scope, words) in ScopeWords)
        {
            await Expect(Page.Locator($"#scopes li[data-scope='{scope}']")).ToContainTextAsync(words);
        }

        await Expect(Page.Locator("#allow")).ToHaveTextAsync("Allow");
        await Expect(Page.Locator("#deny")).ToHaveTextAsync("Deny");

        // Allow: the edge answers the client's redirect_uri with a code and the client's own state.
        var redirect = await RedirectToClientAsync(() => Page.Locator("#allow").ClickAsync());
        Assert.Equal(state, redirect.Get("state"));
        Assert.Equal(Host.Issuer, redirect.Get("iss"));
        Assert.Null(redirect.Get("error"));
        var code = redirect.Get("code");
        Assert.False(string.IsNullOrEmpty(code));
        Assert.True(redirect.Request.IsNavigationRequest);
        Assert.StartsWith(Host.Issuer + "oauth/authorize?", redirect.Request.RedirectedFrom?.Url, StringComparison.Ordinal);

        // The code from the browser is real: the client's back channel exchanges it (with the PKCE verifier) for tokens.
        var token = await OAuth.ExchangeCodeAsync(client, code!, pkce.Verifier, Resource, Ct);
        Assert.Equal(HttpStatusCode.OK, token.Status);
        Assert.False(string.IsNullOrEmpty(token.AccessToken));
        Assert.False(string.IsNullOrEmpty(token.RefreshToken));
        AssertNoCspViolations();
    }

    [Fact]
    public async Task SignInAgain_WithConsentRemembered_GoesFromTheLoginFormStraightToTheClient()
    {
        var client = await RegisterAsync();
        await OpenConsentPageAsync(AuthorizeUrl(client, Pkce.Create(), NewState()));
        await RedirectToClientAsync(() => Page.Locator("#allow").ClickAsync());
        await Context.ClearCookiesAsync();

        // The login form's post redirects to the authorize endpoint, which redirects to the client at once: the
        // login page's form-action must allow the client's origin, or Chromium stops the redirect.
        var pkce = Pkce.Create();
        var state = NewState();
        await Page.GotoAsync(AuthorizeUrl(client, pkce, state));
        await Expect(Page).ToHaveURLAsync(Urls.LoginPage());
        var redirect = await RedirectToClientAsync(() => SubmitLoginAsync("demo", "demo-password"));

        Assert.Equal(state, redirect.Get("state"));
        var token = await OAuth.ExchangeCodeAsync(client, redirect.Get("code")!, pkce.Verifier, Resource, Ct);
        Assert.Equal(HttpStatusCode.OK, token.Status);
        AssertNoCspViolations();
    }

    [Fact]
    public async Task WrongPassword_ShowsError_StaysOnLoginPage_EmptiesPassword()
    {
        var client = await RegisterAsync();
        await Page.GotoAsync(AuthorizeUrl(client, Pkce.Create(), NewState()));
        await Expect(Page).ToHaveURLAsync(Urls.LoginPage());

        await SubmitLoginAsync("demo", "not-the-password");

        var alert = Page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToHaveTextAsync("Invalid user name or password.");
        await Expect(Page).ToHaveURLAsync(Urls.LoginPage());
        await Expect(Page).ToHaveTitleAsync("Sign in · Facade");
        await Expect(Page.GetByLabel("Password")).ToHaveValueAsync("");
        await Expect(Page.GetByLabel("Password")).ToHaveAttributeAsync("type", "password");
        await Expect(Page.GetByLabel("User name")).ToHaveValueAsync("demo");

        // The authorize request survived the failed attempt: the right password goes on to consent.
        await Page.GetByLabel("Password").FillAsync("demo-password");
        await Page.Locator("#sign-in").ClickAsync();
        await Expect(Page).ToHaveURLAsync(Urls.ConsentPage());
        await Expect(Page.Locator("#client-name")).ToHaveTextAsync(ClientName);
    }

    /// <summary>
    /// Screenshots for a person to look at (bin/…/screenshots/*.png, also attached to the test results), plus the checks
    /// a glance would make: no Razor source on the page, nothing wider than a phone screen.
    /// </summary>
    [Fact]
    public async Task Pages_RenderCleanly_DesktopAndPhone_Screenshots()
    {
        var client = await RegisterAsync();
        var url = AuthorizeUrl(client, Pkce.Create(), NewState());

        await Page.GotoAsync(url);
        await Expect(Page).ToHaveURLAsync(Urls.LoginPage());
        await AssertRenderedAsync();
        await SaveScreenshotAsync("login", Page);

        await SubmitLoginAsync("demo", "wrong-password");
        await Expect(Page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        await AssertRenderedAsync();
        await SaveScreenshotAsync("login-error", Page);

        await Page.GetByLabel("Password").FillAsync("demo-password");
        await Page.Locator("#sign-in").ClickAsync();
        await Expect(Page).ToHaveURLAsync(Urls.ConsentPage());
        await AssertRenderedAsync();
        await SaveScreenshotAsync("consent", Page);

        await Page.SetViewportSizeAsync(390, 844);
        await AssertRenderedAsync();
        await SaveScreenshotAsync("consent-phone", Page);
        await Page.SetViewportSizeAsync(1280, 800);

        await RedirectToClientAsync(() => Page.Locator("#allow").ClickAsync());
        await Page.GotoAsync("/account/manage/consents");
        await Expect(Page).ToHaveURLAsync(Urls.ConnectedAppsPage());
        await AssertRenderedAsync();
        await SaveScreenshotAsync("connected-apps", Page);

        // The login page on a phone, from a fresh context (this one is signed in now).
        await using var phone = await Context.Browser!.NewContextAsync(new() { BaseURL = Host.BaseUrl.AbsoluteUri, ViewportSize = new() { Width = 390, Height = 844 } });
        var phonePage = await phone.NewPageAsync();
        await phonePage.GotoAsync(url);
        await Expect(phonePage).ToHaveURLAsync(Urls.LoginPage());
        await AssertRenderedAsync(phonePage);
        await SaveScreenshotAsync("login-phone", phonePage);
        AssertNoCspViolations();
    }

    private Task AssertRenderedAsync() => AssertRenderedAsync(Page);

    private static async Task AssertRenderedAsync(IPage page)
    {
        var text = await page.Locator("body").InnerTextAsync();
        foreach (var raw in new[] { "@Model", "@ViewData", "@foreach", "@if", "asp-for", "@RenderBody", "@(" })
        {
            Assert.DoesNotContain(raw, text, StringComparison.Ordinal);
        }

        // Styled (the layout's CSS applied: the card has a white background) and no sideways scrolling.
        Assert.Equal("rgb(255, 255, 255)", await page.Locator("main").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"The page is {overflow}px wider than the viewport at {page.Url}.");
    }
}
