using System.Net;
using Facade.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Facade.Browser.Tests;

/// <summary>/account/manage/consents in a real Chromium: what the user allowed, withdrawing it, signing out.</summary>
public sealed class ConnectedAppsPageTests(ChromiumFixture chromium) : BrowserTest(chromium), IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task ListsClientAfterConsent_RevokeRemovesIt_NextAuthorizeAsksAgain()
    {
        var client = await RegisterAsync();
        var pkce = Pkce.Create();
        await OpenConsentPageAsync(AuthorizeUrl(client, pkce, NewState()));
        var redirect = await RedirectToClientAsync(() => Page.Locator("#allow").ClickAsync());
        var token = await OAuth.ExchangeCodeAsync(client, redirect.Get("code")!, pkce.Verifier, Resource, Ct);
        Assert.Equal(HttpStatusCode.OK, token.Status);

        await Page.GotoAsync("/account/manage/consents");
        await Expect(Page).ToHaveURLAsync(Urls.ConnectedAppsPage());
        await Expect(Page).ToHaveTitleAsync("Connected apps · Facade");
        var row = Page.Locator($"#consents tr[data-client='{client.ClientId}']");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync(ClientName);
        await Expect(row.Locator("[data-redirect-host]")).ToHaveTextAsync("via 127.0.0.1");
        foreach (var (_, words) in ScopeWords)
        {
            await Expect(row).ToContainTextAsync(words);
        }

        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();

        await Expect(row).ToHaveCountAsync(0);
        await Expect(Page.Locator("#no-consents")).ToHaveTextAsync("No app has access to your account.");
        await Expect(Page).ToHaveURLAsync(Urls.ConnectedAppsPage());

        // Withdrawing the grant also revokes what was issued under it.
        var refresh = await OAuth.RefreshAsync(client, token.RefreshToken!, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.Status);
        Assert.Equal("invalid_grant", refresh.Error);

        // Still signed in, but no remembered consent: the next authorize asks again.
        await Page.GotoAsync(AuthorizeUrl(client, Pkce.Create(), NewState()));
        await Expect(Page).ToHaveURLAsync(Urls.ConsentPage());
        await Expect(Page.Locator("#client-name")).ToHaveTextAsync(ClientName);
        AssertNoCspViolations();
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        var client = await RegisterAsync();
        await OpenConsentPageAsync(AuthorizeUrl(client, Pkce.Create(), NewState()));
        await RedirectToClientAsync(() => Page.Locator("#allow").ClickAsync());
        await Page.GotoAsync("/account/manage/consents");
        await Expect(Page).ToHaveURLAsync(Urls.ConnectedAppsPage());

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(Page).ToHaveURLAsync(Urls.PlainLoginPage());
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sign in to Facade");
        Assert.DoesNotContain(await Context.CookiesAsync(), c => c.Name == "facade.session");

        // The connected-apps page now wants a sign-in, and so does the next authorize.
        await Page.GotoAsync("/account/manage/consents");
        await Expect(Page).ToHaveURLAsync(Urls.LoginPageFor("/account/manage/consents"));
        await Page.GotoAsync(AuthorizeUrl(client, Pkce.Create(), NewState()));
        await Expect(Page).ToHaveURLAsync(Urls.LoginPage());
        AssertNoCspViolations();
    }
}
