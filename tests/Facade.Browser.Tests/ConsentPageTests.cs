using System.Net;
using Facade.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Facade.Browser.Tests;

/// <summary>The consent page's decisions in a real Chromium: deny, and an allow that is remembered.</summary>
public sealed class ConsentPageTests(ChromiumFixture chromium) : BrowserTest(chromium), IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Deny_RedirectsToClientWithAccessDeniedAndState()
    {
        var client = await RegisterAsync();
        var state = NewState();
        await OpenConsentPageAsync(AuthorizeUrl(client, Pkce.Create(), state));

        var redirect = await RedirectToClientAsync(() => Page.Locator("#deny").ClickAsync());

        Assert.Equal("access_denied", redirect.Get("error"));
        Assert.Equal(state, redirect.Get("state"));
        Assert.Null(redirect.Get("code"));
        Assert.StartsWith(Host.Issuer + "oauth/authorize?", redirect.Request.RedirectedFrom?.Url, StringComparison.Ordinal);
        AssertNoCspViolations();
    }

    [Fact]
    public async Task Allow_WithFormPostResponseMode_PostsTheCodeToTheClient()
    {
        // OpenIddict's form_post page submits itself with an inline script: the edge's CSP allows exactly that script
        // (by hash) and a form post to this client's origin.
        var client = await RegisterAsync();
        var pkce = Pkce.Create();
        var state = NewState();
        var url = QueryHelpers.AddQueryString(AuthorizeUrl(client, pkce, state), "response_mode", "form_post");
        await OpenConsentPageAsync(url);

        var post = await Page.RunAndWaitForRequestAsync(() => Page.Locator("#allow").ClickAsync(),
            r => r.Method == "POST" && r.Url == Callback.RedirectUri);
        await Expect(Page.Locator("#callback")).ToHaveTextAsync(LoopbackCallback.Text);

        var form = QueryHelpers.ParseQuery(post.PostData);
        Assert.Equal(state, form["state"].ToString());
        var token = await OAuth.ExchangeCodeAsync(client, form["code"].ToString(), pkce.Verifier, Resource, Ct);
        Assert.Equal(HttpStatusCode.OK, token.Status);
        AssertNoCspViolations();
    }

    [Fact]
    public async Task SecondAuthorize_SameClientAndScopes_SkipsConsentPage()
    {
        var client = await RegisterAsync();
        await OpenConsentPageAsync(AuthorizeUrl(client, Pkce.Create(), NewState()));
        var first = await RedirectToClientAsync(() => Page.Locator("#allow").ClickAsync());
        Assert.NotNull(first.Get("code"));

        // Same browser context (session cookie), same client and scopes: straight back to the client.
        var visited = new List<string>();
        Page.Request += (_, request) =>
        {
            if (request.IsNavigationRequest)
            {
                visited.Add(new Uri(request.Url).AbsolutePath);
            }
        };
        var state = NewState();
        var pkce = Pkce.Create();
        var second = await RedirectToClientAsync(() => Page.GotoAsync(AuthorizeUrl(client, pkce, state)));

        Assert.Equal(state, second.Get("state"));
        var code = second.Get("code");
        Assert.False(string.IsNullOrEmpty(code));
        Assert.NotEqual(first.Get("code"), code);
        Assert.Equal(["/oauth/authorize", "/callback"], visited);
        var token = await OAuth.ExchangeCodeAsync(client, code!, pkce.Verifier, Resource, Ct);
        Assert.Equal(HttpStatusCode.OK, token.Status);
        AssertNoCspViolations();
    }
}
