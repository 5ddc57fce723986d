using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Facade.Testing;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// What the edge answers itself (login, consent, logout, account pages, OAuth endpoints) carries a strict
/// Content-Security-Policy, nosniff, no-referrer and DENY framing; what a backend answers through the edge carries
/// none of them (the backend owns its headers). HSTS: <see cref="HstsTests"/>.
/// </summary>
public sealed partial class SecurityHeadersTests(AuthorizationFixture fixture) : IClassFixture<AuthorizationFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> EdgeAnswers => new()
    {
        "login page",
        "login page of an authorize request",
        "consent page",
        "logout page",
        "connected apps page",
        "authorize error",
        "discovery document",
        "unknown account path",
    };

    [Theory]
    [MemberData(nameof(EdgeAnswers))]
    public async Task EdgeAnswer_SendsSecurityHeaders(string @case)
    {
        var path = @case switch
        {
            "login page" => "account/login",
            "login page of an authorize request" => "account/login?ReturnUrl=" + Uri.EscapeDataString("/" + NativeAuthorizeUrl()),
            "consent page" => await ConsentPageUrlAsync(),
            "logout page" => "account/logout",
            "connected apps page" => "account/manage/consents",
            "authorize error" => OAuthTestClient.AuthorizeUrl("fc_unknown", "https://evil.example/", "tasks:read", Pkce.Create(), "s", fixture.Host.Issuer),
            "discovery document" => ".well-known/oauth-authorization-server",
            "unknown account path" => "account/nothing-here",
            _ => throw new ArgumentOutOfRangeException(nameof(@case), @case, "Unknown case."),
        };

        using var response = await fixture.Browser.Browser.GetAsync(path, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{(int)response.StatusCode} for {path}");
        var policy = AssertSecurityHeaders(response);
        if (response.Content.Headers.ContentType?.MediaType == "text/html")
        {
            // The page's only style block runs by the response's nonce; no inline style attribute, no script at all.
            var nonce = StyleNonce().Match(body);
            Assert.True(nonce.Success, "The page has no <style nonce=…> block.");
            Assert.Equal([$"'nonce-{WebUtility.HtmlDecode(nonce.Groups["nonce"].Value)}'"], policy["style-src"]);
            Assert.Equal(1, Regex.Count(body, "<style", RegexOptions.IgnoreCase));
            Assert.DoesNotContain(" style=\"", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<script", body, StringComparison.OrdinalIgnoreCase);
            Assert.False(policy.ContainsKey("script-src"));
        }
    }

    [Fact]
    public async Task StyleNonce_IsNewOnEveryResponse()
    {
        using var first = await fixture.Browser.Browser.GetAsync("account/login", Ct);
        using var second = await fixture.Browser.Browser.GetAsync("account/login", Ct);

        Assert.NotEqual(Policy(first)["style-src"], Policy(second)["style-src"]);
    }

    [Fact]
    public async Task LoginAndConsentPages_OfAnAuthorizeRequest_LetTheirFormsEndAtThatClientOnly()
    {
        using var login = await fixture.Browser.Browser.GetAsync("account/login?ReturnUrl=" + Uri.EscapeDataString("/" + NativeAuthorizeUrl()), Ct);
        Assert.Equal(["'self'", "http://127.0.0.1:9"], Policy(login)["form-action"]);

        using var consent = await fixture.Browser.Browser.GetAsync(await ConsentPageUrlAsync(), Ct);
        Assert.Equal(["'self'", "https://client.example"], Policy(consent)["form-action"]);

        // A return URL that is not a valid authorize request of a registered client widens nothing.
        var foreign = OAuthTestClient.AuthorizeUrl(fixture.Web.ClientId, "https://evil.example/callback", "tasks:read", Pkce.Create(), "s", fixture.Host.Issuer);
        using var tampered = await fixture.Browser.Browser.GetAsync("account/login?ReturnUrl=" + Uri.EscapeDataString("/" + foreign), Ct);
        Assert.Equal(["'self'"], Policy(tampered)["form-action"]);
    }

    [Fact]
    public async Task FormPostResponse_AllowsExactlyItsScript_AndPostsOnlyToTheClient()
    {
        // Consent first, so the authorize endpoint answers at once with OpenIddict's self-submitting form.
        var first = await fixture.Browser.FollowAuthorizeAsync(NativeAuthorizeUrl(), AuthorizationFixture.NativeRedirect, Ct);
        Assert.NotNull(first);
        var url = OAuthTestClient.AuthorizeUrl(fixture.Native.ClientId, AuthorizationFixture.NativeRedirect, "tasks:read", Pkce.Create(), "s",
            fixture.Host.Issuer, extra: new Dictionary<string, string> { ["response_mode"] = "form_post" });

        using var response = await fixture.Browser.Browser.GetAsync(url, Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"action=\"{AuthorizationFixture.NativeRedirect}\"", html, StringComparison.Ordinal);
        var policy = AssertSecurityHeaders(response);
        var script = Assert.Single(InlineScript().Matches(html)).Groups["script"].Value;
        Assert.Equal([$"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script)))}'"], policy["script-src"]);
        Assert.Equal(["'self'", "http://127.0.0.1:9"], policy["form-action"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ProxiedAnswer_GetsNoSecurityHeaders(bool withToken)
    {
        var (response, probe) = withToken
            ? await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", await fixture.SharedAccessTokenAsync("tasks:read"))
            : await fixture.SendAsync(HttpMethod.Get, "api/tasks", authorization: null);
        using (response)
        {
            Assert.Equal(withToken ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(withToken, fixture.BackendRequest(probe) is not null);
            foreach (var header in new[] { "Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Strict-Transport-Security" })
            {
                Assert.False(response.Headers.Contains(header), $"The proxied answer carries {header}.");
            }
        }
    }

    /// <summary>Checks the fixed headers and the policy's fixed directives; returns the policy's directives.</summary>
    internal static Dictionary<string, string[]> AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Single(response, "Referrer-Policy"));
        Assert.Equal("DENY", Single(response, "X-Frame-Options"));
        var policy = Policy(response);
        Assert.Equal(["'none'"], policy["default-src"]);
        Assert.Equal(["'none'"], policy["frame-ancestors"]);
        Assert.Equal(["'none'"], policy["base-uri"]);
        Assert.Equal("'self'", policy["form-action"][0]);
        Assert.DoesNotContain(policy.Values.SelectMany(v => v), v => v.StartsWith("'unsafe-", StringComparison.Ordinal) || v is "*" or "http:" or "https:" or "data:");
        return policy;
    }

    private static Dictionary<string, string[]> Policy(HttpResponseMessage response) =>
        Single(response, "Content-Security-Policy")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(d => d[0], d => d[1..], StringComparer.Ordinal);

    private static string Single(HttpResponseMessage response, string header) =>
        Assert.Single(response.Headers.TryGetValues(header, out var values) ? values : []);

    private string NativeAuthorizeUrl() =>
        OAuthTestClient.AuthorizeUrl(fixture.Native.ClientId, AuthorizationFixture.NativeRedirect, "tasks:read", Pkce.Create(), "s", fixture.Host.Issuer);

    /// <summary>A consent page of the web client for the signed-in browser (a scope set no test of this class allows).</summary>
    private async Task<string> ConsentPageUrlAsync()
    {
        var url = OAuthTestClient.AuthorizeUrl(fixture.Web.ClientId, AuthorizationFixture.WebRedirect, "tasks:read tasks:write", Pkce.Create(), "s", fixture.Host.Issuer);
        using var authorize = await fixture.Browser.Browser.GetAsync(url, Ct);
        Assert.StartsWith("/account/consent?", authorize.Headers.Location?.OriginalString, StringComparison.Ordinal);
        return authorize.Headers.Location!.OriginalString.TrimStart('/');
    }

    [GeneratedRegex("<style nonce=\"(?<nonce>[^\"]+)\">")]
    private static partial Regex StyleNonce();

    [GeneratedRegex("<script>(?<script>.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex InlineScript();
}
