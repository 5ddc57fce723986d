using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Facade.Proxy.Data;
using Facade.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// Consent belongs to one user, one client, one registered redirect URI and one set of scopes, and is only recorded
/// for an authorization request the authorization server has validated. A client that registered two redirect hosts
/// must not turn the user's "allow" for one of them into a silent code for the other.
/// </summary>
public sealed partial class ConsentBindingTests(AuthorizationFixture fixture) : IClassFixture<AuthorizationFixture>
{
    private const string Trusted = "https://claude.ai/api/mcp/auth_callback";
    private const string Attacker = "https://attacker.example/cb";
    private const string State = "consent-state";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Consent_GivenForOneRedirectUri_IsNotReusedForTheClientsOtherRedirectUri()
    {
        var clientId = await RegisterAsync(Trusted, Attacker);
        var first = await fixture.Browser.FollowAuthorizeAsync(AuthorizeUrl(clientId, Trusted), Trusted, Ct);
        Assert.True(first?.ContainsKey("code"), $"No code for the consented redirect URI: {fixture.Browser.LastResponse}");

        using var other = await fixture.Browser.Browser.GetAsync(AuthorizeUrl(clientId, Attacker), Ct);

        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
        Assert.StartsWith("/account/consent?", other.Headers.Location!.OriginalString, StringComparison.Ordinal);

        // The control: the redirect URI the user did allow is remembered.
        using var same = await fixture.Browser.Browser.GetAsync(AuthorizeUrl(clientId, Trusted), Ct);
        Assert.StartsWith(Trusted + "?", same.Headers.Location?.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsentPage_ListsEveryRegisteredHost_AndMarksThisRequests()
    {
        var clientId = await RegisterAsync(Trusted, Attacker, "http://127.0.0.1:8765/callback", "http://127.0.0.1:8766/other");

        var html = await ConsentPageAsync(AuthorizeUrl(clientId, Attacker));

        Assert.Contains("id=\"redirect-host\">attacker.example<", html, StringComparison.Ordinal);
        var hosts = RedirectHostItem().Matches(html).ToDictionary(m => m.Groups["host"].Value, m => m.Value.Contains("aria-current=\"true\"", StringComparison.Ordinal));
        Assert.Equal(new Dictionary<string, bool> { ["claude.ai"] = false, ["attacker.example"] = true, ["127.0.0.1"] = false }, hosts);
    }

    public static TheoryData<string> RejectedRequests => new()
    {
        "unregistered redirect_uri",
        "made-up client",
        "PKCE missing",
        "PKCE plain",
        "unknown scope",
        "response_type token",
        "resource on another host",
    };

    [Theory]
    [MemberData(nameof(RejectedRequests))]
    public async Task ConsentPost_ForARequestTheAuthorizationServerRejects_StoresNothing(string @case)
    {
        var clientId = await RegisterAsync(Trusted);
        var pkce = Pkce.Create();
        var bad = "/" + @case switch
        {
            "unregistered redirect_uri" => AuthorizeUrl(clientId, Attacker),
            "made-up client" => AuthorizeUrl("fc_made_up", Trusted),
            "PKCE missing" => OAuthTestClient.AuthorizeUrl(clientId, Trusted, "tasks:read", null, State, fixture.Host.Issuer),
            "PKCE plain" => OAuthTestClient.AuthorizeUrl(clientId, Trusted, "tasks:read", pkce, State, fixture.Host.Issuer, "plain"),
            "unknown scope" => AuthorizeUrl(clientId, Trusted, "tasks:read tasks:admin"),
            "response_type token" => OAuthTestClient.AuthorizeUrl(clientId, Trusted, "tasks:read", pkce, State, fixture.Host.Issuer,
                extra: new Dictionary<string, string> { ["response_type"] = "token" }),
            "resource on another host" => OAuthTestClient.AuthorizeUrl(clientId, Trusted, "tasks:read", pkce, State, "https://evil.example/"),
            _ => throw new ArgumentOutOfRangeException(nameof(@case), @case, "Unknown case."),
        };
        var before = await CountAuthorizationsAsync();

        // The antiforgery token of a genuine consent page, posted with the rejected request as ReturnUrl.
        using var post = await fixture.Browser.SubmitPageAsync(ConsentPageUrl(AuthorizeUrl(clientId, Trusted)),
            new Dictionary<string, string> { ["decision"] = "allow", ["ReturnUrl"] = bad }, Ct);
        var landing = post.Headers.Location is { } location && location.OriginalString.StartsWith('/')
            ? await FollowLocalRedirectsAsync(location.OriginalString)
            : post.StatusCode;

        Assert.Equal(HttpStatusCode.BadRequest, landing);
        Assert.Equal(before, await CountAuthorizationsAsync());
    }

    [Fact]
    public async Task ConsentMarker_ForAnotherRedirectUri_IsIgnored()
    {
        var clientId = await RegisterAsync(Trusted, Attacker);
        var marker = await AllowAndReadMarkerAsync(fixture.Browser, AuthorizeUrl(clientId, Trusted));
        var before = await CountAuthorizationsAsync();

        using var response = await fixture.Browser.Browser.GetAsync(WithMarker(AuthorizeUrl(clientId, Attacker), marker), Ct);

        Assert.StartsWith("/account/consent?", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(before, await CountAuthorizationsAsync());
    }

    [Fact]
    public async Task ConsentMarker_ForOtherScopes_IsIgnored()
    {
        var clientId = await RegisterAsync(Trusted);
        var marker = await AllowAndReadMarkerAsync(fixture.Browser, AuthorizeUrl(clientId, Trusted, "tasks:read"));
        var before = await CountAuthorizationsAsync();

        using var response = await fixture.Browser.Browser.GetAsync(WithMarker(AuthorizeUrl(clientId, Trusted, "tasks:read tasks:write"), marker), Ct);

        Assert.StartsWith("/account/consent?", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(before, await CountAuthorizationsAsync());
    }

    [Fact]
    public async Task ConsentMarker_OfAnotherUser_IsIgnored()
    {
        var clientId = await RegisterAsync(Trusted);
        using var other = fixture.CreateOAuthClient();
        other.UserName = "consent-other-user";
        other.Password = "other-user-password";
        await using (var scope = fixture.Host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<FacadeUser>>();
            Assert.True((await users.CreateAsync(new FacadeUser { UserName = other.UserName }, other.Password)).Succeeded);
        }

        using (var signIn = await other.SignInAsync(cancellationToken: Ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        var url = AuthorizeUrl(clientId, Trusted);
        var marker = await AllowAndReadMarkerAsync(other, url);
        var before = await CountAuthorizationsAsync();

        using var response = await fixture.Browser.Browser.GetAsync(WithMarker(url, marker), Ct);

        Assert.StartsWith("/account/consent?", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(before, await CountAuthorizationsAsync());
    }

    [Fact]
    public async Task ConsentMarker_ReplayedAfterTheConsentWasWithdrawn_AsksAgain()
    {
        var clientId = await RegisterAsync(Trusted);
        var url = AuthorizeUrl(clientId, Trusted);
        var marker = await AllowAndReadMarkerAsync(fixture.Browser, url);
        using (var first = await fixture.Browser.Browser.GetAsync(WithMarker(url, marker), Ct))
        {
            Assert.StartsWith(Trusted + "?code=", first.Headers.Location?.AbsoluteUri, StringComparison.Ordinal);
        }

        await using (var scope = fixture.Host.Services.CreateAsyncScope())
        {
            var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var application = await applications.FindByClientIdAsync(clientId, Ct);
            await foreach (var authorization in authorizations.FindByApplicationIdAsync((await applications.GetIdAsync(application!, Ct))!, Ct))
            {
                Assert.True(await authorizations.TryRevokeAsync(authorization, Ct));
            }
        }

        using var replay = await fixture.Browser.Browser.GetAsync(WithMarker(url, marker), Ct);

        Assert.StartsWith("/account/consent?", replay.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("CfDJ8AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("")]
    public async Task ConsentMarker_ThatDoesNotDecrypt_IsIgnored(string marker)
    {
        var clientId = await RegisterAsync(Trusted);
        var before = await CountAuthorizationsAsync();

        using var response = await fixture.Browser.Browser.GetAsync(WithMarker(AuthorizeUrl(clientId, Trusted), marker), Ct);

        Assert.StartsWith("/account/consent?", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(before, await CountAuthorizationsAsync());
    }

    /// <summary>Registers a public client with these redirect URIs; returns its client_id.</summary>
    private async Task<string> RegisterAsync(params string[] redirectUris)
    {
        using var response = await fixture.Http.PostAsJsonAsync("oauth/register", new Dictionary<string, object>
        {
            ["client_name"] = "Two-host client",
            ["redirect_uris"] = redirectUris,
            ["token_endpoint_auth_method"] = "none",
            ["grant_types"] = new[] { "authorization_code" },
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("client_id").GetString()!;
    }

    private string AuthorizeUrl(string clientId, string redirectUri, string scope = "tasks:read") =>
        OAuthTestClient.AuthorizeUrl(clientId, redirectUri, scope, Pkce.Create(), State, fixture.Host.Issuer);

    private static string ConsentPageUrl(string authorizeUrl) => "account/consent?returnUrl=" + Uri.EscapeDataString("/" + authorizeUrl);

    /// <summary>Where the signed-in browser lands for this authorize URL: must be the consent page; returns its HTML.</summary>
    private async Task<string> ConsentPageAsync(string authorizeUrl)
    {
        using var authorize = await fixture.Browser.Browser.GetAsync(authorizeUrl, Ct);
        Assert.StartsWith("/account/consent?", authorize.Headers.Location?.OriginalString, StringComparison.Ordinal);
        return await fixture.Browser.Browser.GetStringAsync(authorize.Headers.Location, Ct);
    }

    /// <summary>Allows on the consent page of <paramref name="authorizeUrl"/> and returns the consent marker it redirects with.</summary>
    private static async Task<string> AllowAndReadMarkerAsync(OAuthTestClient browser, string authorizeUrl)
    {
        using var post = await browser.SubmitPageAsync(ConsentPageUrl(authorizeUrl), new Dictionary<string, string> { ["decision"] = "allow" }, Ct);
        var location = post.Headers.Location?.OriginalString ?? "";
        Assert.StartsWith("/oauth/authorize?", location, StringComparison.Ordinal);
        var marker = QueryHelpers.ParseQuery(location[location.IndexOf('?', StringComparison.Ordinal)..])["facade_consent_grant"].ToString();
        Assert.False(string.IsNullOrEmpty(marker), "The consent page redirected without a consent marker.");
        return marker;
    }

    private static string WithMarker(string authorizeUrl, string marker) =>
        QueryHelpers.AddQueryString(authorizeUrl, "facade_consent_grant", marker);

    /// <summary>Follows redirects that stay on the edge; returns the status of the first answer that does not.</summary>
    private async Task<HttpStatusCode> FollowLocalRedirectsAsync(string location)
    {
        for (var hop = 0; hop < 5; hop++)
        {
            using var response = await fixture.Browser.Browser.GetAsync(location, Ct);
            if (response.Headers.Location is not { } next || !next.OriginalString.StartsWith('/') || next.OriginalString.StartsWith("//", StringComparison.Ordinal))
            {
                return response.StatusCode;
            }

            location = next.OriginalString;
        }

        throw new InvalidOperationException("Too many redirects.");
    }

    private async Task<long> CountAuthorizationsAsync()
    {
        await using var scope = fixture.Host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().CountAsync(Ct);
    }

    [GeneratedRegex("<li[^>]*data-host=\"(?<host>[^\"]+)\"[^>]*>")]
    private static partial Regex RedirectHostItem();
}
