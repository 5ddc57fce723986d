using System.Net;
using Facade.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace Facade.Proxy.Tests.Security;

/// <summary>Two registered clients (a loopback native app and an https web app) and a signed-in browser.</summary>
public sealed class AuthorizationFixture : EdgeFixture
{
    public const string NativeRedirect = "http://127.0.0.1:9/callback";
    public const string WebRedirect = "https://client.example/callback";

    public RegisteredClient Native { get; private set; } = null!;

    public RegisteredClient Web { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Native = await Browser.RegisterAsync(NativeRedirect, cancellationToken: TestContext.Current.CancellationToken);
        Web = await Browser.RegisterAsync(WebRedirect, cancellationToken: TestContext.Current.CancellationToken);

        // A live session: only the authorize endpoint's validation stands between this browser and a code.
        using var signIn = await Browser.SignInAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
    }
}

/// <summary>
/// <c>/oauth/authorize</c>, the login page and the consent page against bad input.
/// <para>
/// Where errors go: an unknown client or an unregistered redirect_uri is never redirected to (RFC 6749 §4.1.2.1).
/// A malformed request (PKCE, scope, resource, response_type) is not redirected either, even from a registered
/// client: anyone can register a client with any https redirect_uri here (RFC 7591), so redirecting such errors before
/// the user has signed in would make the edge an open redirector for phishing (RFC 9700 §4.11.2, OAuth 2.1 §7.12.2).
/// It answers 400 JSON with the OAuth error instead. Once the user has taken part (consent denied), or for silent
/// authentication (<c>prompt=none</c>, the exception RFC 9700 names), errors go back to the redirect_uri with
/// <c>error</c>, <c>state</c> and <c>iss</c>.
/// </para>
/// </summary>
public sealed class AuthorizationEndpointTests(AuthorizationFixture fixture) : IClassFixture<AuthorizationFixture>
{
    private const string State = "st4te-\u00e9";

    public static TheoryData<string, string> MalformedRequests => new()
    {
        { "PKCE missing", "invalid_request" },
        { "PKCE plain", "invalid_request" },
        { "code_challenge without code_challenge_method (plain by default)", "invalid_request" },
        { "unknown code_challenge_method", "invalid_request" },
        { "unknown scope", "invalid_scope" },
        { "resource on another host", "invalid_target" },
        { "resource on another port of the same host", "invalid_target" },
        { "resource with another scheme", "invalid_target" },
        { "relative resource", "invalid_target" },
        { "resource with a fragment", "invalid_target" },
        { "response_type token (implicit)", "unsupported_response_type" },
        { "response_type missing", "invalid_request" },
    };

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task MalformedRequest_FromRegisteredClient_Is400Json_NotRedirected(string @case, string error)
    {
        var url = MalformedCase(@case, fixture.Native, fixture.Host.Issuer);
        using var response = await fixture.Browser.Browser.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Null(response.Headers.Location);
        await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.BadRequest, error);
    }

    [Fact]
    public async Task ConsentDenied_IsRedirectedBackWithAccessDeniedStateAndIssuer()
    {
        using var oauth = fixture.CreateOAuthClient();
        oauth.AllowConsent = false;
        var url = OAuthTestClient.AuthorizeUrl(fixture.Native.ClientId, AuthorizationFixture.NativeRedirect, "tasks:read", Pkce.Create(), State, fixture.Host.Issuer);

        var query = await oauth.FollowAuthorizeAsync(url, AuthorizationFixture.NativeRedirect, TestContext.Current.CancellationToken);

        Assert.NotNull(query);
        Assert.Equal("access_denied", query["error"]);
        Assert.Equal(State, query["state"]);
        Assert.Equal(fixture.Host.Issuer, query["iss"]);
        Assert.False(query.ContainsKey("code"));
    }

    [Fact]
    public async Task PromptNone_WithoutSession_IsRedirectedBackWithLoginRequired()
    {
        using var oauth = fixture.CreateOAuthClient();
        var url = OAuthTestClient.AuthorizeUrl(fixture.Native.ClientId, AuthorizationFixture.NativeRedirect, "tasks:read", Pkce.Create(), State,
            fixture.Host.Issuer, extra: new Dictionary<string, string> { ["prompt"] = "none" });

        using var response = await oauth.Browser.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(AuthorizationFixture.NativeRedirect + "?", location.AbsoluteUri, StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("login_required", query["error"].ToString());
        Assert.Equal(State, query["state"].ToString());
        Assert.Equal(fixture.Host.Issuer, query["iss"].ToString());
        Assert.False(query.ContainsKey("code"));
    }

    public static TheoryData<string, string> UnregisteredRedirects => new()
    {
        { "another host", "https://evil.example/callback" },
        { "another port", "https://client.example:8443/callback" },
        { "http instead of https", "http://client.example/callback" },
        { "longer path", "https://client.example/callback/evil" },
        { "another path", "https://client.example/other" },
        { "extra query", "https://client.example/callback?next=https://evil.example/" },
        { "path in another case", "https://client.example/CALLBACK" },
        { "trailing slash", "https://client.example/callback/" },
        { "user info", "https://client.example@evil.example/callback" },
        { "fragment", "https://client.example/callback#evil" },
        { "registered URI as a prefix of another host", "https://client.example.evil.example/callback" },
        { "javascript", "javascript:alert(document.domain)//https://client.example/callback" },
    };

    [Theory]
    [MemberData(nameof(UnregisteredRedirects))]
    public async Task UnregisteredRedirectUri_Is400Json_NeverARedirect(string @case, string redirectUri)
    {
        _ = @case; // Only names the row in the test results.
        var url = OAuthTestClient.AuthorizeUrl(fixture.Web.ClientId, redirectUri, "tasks:read", Pkce.Create(), State, fixture.Host.Issuer);
        using var response = await fixture.Browser.Browser.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Null(response.Headers.Location);
        await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task LoopbackRedirectUri_OnAnotherPath_Is400Json()
    {
        var url = OAuthTestClient.AuthorizeUrl(fixture.Native.ClientId, "http://127.0.0.1:9/evil", "tasks:read", Pkce.Create(), State, fixture.Host.Issuer);
        using var response = await fixture.Browser.Browser.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Null(response.Headers.Location);
        await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("fc_does-not-exist")]
    [InlineData("")]
    [InlineData("https://evil.example/client.json#frag")]
    public async Task UnknownClient_Is400Json_NeverARedirect(string clientId)
    {
        var url = OAuthTestClient.AuthorizeUrl(clientId, "https://evil.example/callback", "tasks:read", Pkce.Create(), State, fixture.Host.Issuer);
        using var response = await fixture.Browser.Browser.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Null(response.Headers.Location);
        await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task ValidRequest_FromSignedInBrowser_ReachesConsent()
    {
        // The control for the cases above: the same browser and clients get through when nothing is wrong.
        var url = OAuthTestClient.AuthorizeUrl(fixture.Web.ClientId, AuthorizationFixture.WebRedirect, "tasks:read", Pkce.Create(), State, fixture.Host.Issuer);
        using var response = await fixture.Browser.Browser.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/consent?", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("\\\\evil.example")]
    [InlineData("/\t/evil.example")]
    [InlineData("https:evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData(" //evil.example")]
    public async Task Login_WithForeignReturnUrl_RedirectsHome(string returnUrl)
    {
        using var oauth = fixture.CreateOAuthClient();
        var ct = TestContext.Current.CancellationToken;

        using (var page = await oauth.Browser.GetAsync("account/login?ReturnUrl=" + Uri.EscapeDataString(returnUrl), ct))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.DoesNotContain("evil.example", await page.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }

        using var response = await oauth.SignInAsync(returnUrl, cancellationToken: ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Login_FailedAttempt_DoesNotEchoForeignReturnUrl()
    {
        using var oauth = fixture.CreateOAuthClient();
        oauth.Password = "wrong-password";
        using var response = await oauth.SignInAsync("https://evil.example/", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("Invalid user name or password.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", html, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    public async Task Login_WithForeignReturnUrlPostedInTheForm_RedirectsHome(string returnUrl)
    {
        // The rendered form already carries a safe ReturnUrl; a tampered POST must not get further.
        using var oauth = fixture.CreateOAuthClient();
        using var response = await oauth.SignInAsync("/", new Dictionary<string, string> { ["ReturnUrl"] = returnUrl }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Login_WithLocalReturnUrl_GoesThere()
    {
        using var oauth = fixture.CreateOAuthClient();
        using var response = await oauth.SignInAsync("/oauth/authorize?client_id=x", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/oauth/authorize?client_id=x", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/account/manage")]
    [InlineData("https://evil.example/oauth/authorize?client_id={client}")]
    [InlineData("//evil.example/oauth/authorize?client_id={client}")]
    [InlineData("/\\evil.example/oauth/authorize?client_id={client}")]
    [InlineData("/oauth/authorize")]
    [InlineData("/oauth/authorizex?client_id={client}")]
    [InlineData("/oauth/authorize?client_id=fc_unknown")]
    [InlineData("/oauth/authorize?scope=tasks:read")]
    public async Task Consent_WithReturnUrlNotOurAuthorizeEndpoint_Is400(string returnUrl)
    {
        var url = "account/consent?returnUrl=" + Uri.EscapeDataString(returnUrl.Replace("{client}", fixture.Web.ClientId, StringComparison.Ordinal));
        using var response = await fixture.Browser.Browser.GetAsync(url, TestContext.Current.CancellationToken);

        await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("allow")]
    [InlineData("deny")]
    public async Task Consent_PostWithTamperedReturnUrl_Is400(string decision)
    {
        var authorize = OAuthTestClient.AuthorizeUrl(fixture.Web.ClientId, AuthorizationFixture.WebRedirect, "tasks:read", Pkce.Create(), State, fixture.Host.Issuer);
        var page = "account/consent?returnUrl=" + Uri.EscapeDataString("/" + authorize);
        var tampered = "https://evil.example/" + authorize;

        using var response = await fixture.Browser.SubmitPageAsync(page,
            new Dictionary<string, string> { ["decision"] = decision, ["ReturnUrl"] = tampered }, TestContext.Current.CancellationToken);

        Assert.Null(response.Headers.Location);
        await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Consent_PostWithoutAntiforgeryToken_Is400_AndGrantsNothing()
    {
        // A cross-site form post riding on the user's session must not record consent.
        var authorize = OAuthTestClient.AuthorizeUrl(fixture.Web.ClientId, AuthorizationFixture.WebRedirect, "tasks:write", Pkce.Create(), State, fixture.Host.Issuer);
        var page = "account/consent?returnUrl=" + Uri.EscapeDataString("/" + authorize);
        using var post = await fixture.Browser.Browser.PostAsync(page, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["decision"] = "allow",
            ["ReturnUrl"] = "/" + authorize,
        }), TestContext.Current.CancellationToken);

        Assert.Null(post.Headers.Location);
        await SecurityAssert.JsonErrorAsync(post, HttpStatusCode.BadRequest, "invalid_request");
        using var again = await fixture.Browser.Browser.GetAsync(authorize, TestContext.Current.CancellationToken);
        Assert.StartsWith("/account/consent?", again.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_PostWithoutAntiforgeryToken_Is400()
    {
        using var oauth = fixture.CreateOAuthClient();
        using var post = await oauth.Browser.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = oauth.UserName,
            ["Password"] = oauth.Password,
            ["ReturnUrl"] = "/",
        }), TestContext.Current.CancellationToken);

        Assert.Null(post.Headers.Location);
        await SecurityAssert.JsonErrorAsync(post, HttpStatusCode.BadRequest, "invalid_request");
    }

    private static string MalformedCase(string @case, RegisteredClient client, string issuer)
    {
        var pkce = Pkce.Create();
        var redirect = client.RedirectUri;
        string Url(string scope = "tasks:read", Pkce? p = null, string? method = "S256", string? resource = null, Dictionary<string, string>? extra = null) =>
            OAuthTestClient.AuthorizeUrl(client.ClientId, redirect, scope, p, State, resource ?? issuer, method, extra);

        var port = new Uri(issuer).Port;
        return @case switch
        {
            "PKCE missing" => Url(p: null),
            "PKCE plain" => Url(p: pkce, method: "plain"),
            "code_challenge without code_challenge_method (plain by default)" => Url(p: pkce, method: null),
            "unknown code_challenge_method" => Url(p: pkce, method: "S512"),
            "unknown scope" => Url(scope: "tasks:read tasks:admin", p: pkce),
            "resource on another host" => Url(p: pkce, resource: "https://evil.example/"),
            "resource on another port of the same host" => Url(p: pkce, resource: issuer.Replace($":{port}/", $":{port + 1}/", StringComparison.Ordinal)),
            "resource with another scheme" => Url(p: pkce, resource: issuer.Replace("http://", "https://", StringComparison.Ordinal)),
            "relative resource" => Url(p: pkce, resource: "/api"),
            "resource with a fragment" => Url(p: pkce, resource: issuer + "api#frag"),
            "response_type token (implicit)" => Url(p: pkce, extra: new() { ["response_type"] = "token" }),
            "response_type missing" => Url(p: pkce, extra: new() { ["response_type"] = "" }),
            _ => throw new ArgumentOutOfRangeException(nameof(@case), @case, "Unknown case."),
        };
    }
}
