using System.Net;
using System.Text.Json;
using Facade.Testing;

namespace Facade.Proxy.Tests.Security;

/// <summary>A seeded first-party client (implicit consent) and a signed-in browser.</summary>
public sealed class FirstPartyFixture : EdgeFixture
{
    public const string ClientId = "first-party-app";
    public const string Redirect = "http://127.0.0.1:9/first-party";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Facade:Clients:0:ClientId"] = ClientId,
        ["Facade:Clients:0:RedirectUris:0"] = Redirect,
        ["Facade:Clients:0:FirstParty"] = "true",
    };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        using var signIn = await Browser.SignInAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
    }
}

/// <summary>
/// <c>keys:write</c> lets a client create API keys that act as the user (docs/architecture.md): even a first-party client,
/// whose other scopes are granted without asking, gets it only through the consent page.
/// </summary>
public sealed class NeverSilentScopeTests(FirstPartyFixture fixture) : IClassFixture<FirstPartyFixture>
{
    [Fact]
    public async Task FirstPartyClient_GetsOrdinaryScopes_WithoutConsentPage()
    {
        using var response = await AuthorizeAsync("tasks:read");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(FirstPartyFixture.Redirect + "?code=", response.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstPartyClient_AskingForKeysWrite_IsSentToTheConsentPage_WhichDescribesIt()
    {
        using var response = await AuthorizeAsync("tasks:read keys:write");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var consent = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/account/consent?returnUrl=", consent, StringComparison.Ordinal);

        var page = await fixture.Browser.Browser.GetStringAsync(consent, TestContext.Current.CancellationToken);
        Assert.Contains("Create API keys that act as you", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysWrite_IsAdvertised_InTheRootResourceMetadata()
    {
        using var document = JsonDocument.Parse(await fixture.Http.GetStringAsync("/.well-known/oauth-protected-resource", TestContext.Current.CancellationToken));

        Assert.Contains("keys:write", document.RootElement.GetProperty("scopes_supported").EnumerateArray().Select(s => s.GetString()));
    }

    private Task<HttpResponseMessage> AuthorizeAsync(string scope) =>
        fixture.Browser.Browser.GetAsync(
            OAuthTestClient.AuthorizeUrl(FirstPartyFixture.ClientId, FirstPartyFixture.Redirect, scope, Pkce.Create(), "state", fixture.Host.Issuer),
            TestContext.Current.CancellationToken);
}
