using System.Globalization;
using System.Net;
using System.Security.Claims;
using Facade.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// OIDC <c>max_age</c> counts from the moment the user signed in (<c>auth_time</c>, kept in the session cookie), not
/// from the sliding cookie's last renewal. The tests re-seal the real session cookie with the edge's own ticket format
/// to put the sign-in and the renewal where they need them, instead of waiting.
/// </summary>
public sealed class MaxAgeTests(AuthorizationFixture fixture) : IClassFixture<AuthorizationFixture>
{
    private const string SessionCookie = "facade.session";
    private const string AuthTime = "auth_time";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ISecureDataFormat<AuthenticationTicket> TicketFormat =>
        fixture.Host.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme).TicketDataFormat;

    [Fact]
    public async Task MaxAge_CountsFromSignIn_NotFromTheCookiesLastRenewal()
    {
        // Signed in two hours ago; the sliding cookie was renewed a moment ago.
        var now = DateTimeOffset.UtcNow;
        var cookie = await ResealedSessionAsync(issued: now, authTime: now.AddHours(-2));

        using var response = await AuthorizeAsync(cookie, maxAge: 3600);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/login", RedirectPath(response));
    }

    [Fact]
    public async Task MaxAge_RecentSignIn_InAnOldCookie_NeedsNoNewLogin_AndTheRenewedCookieKeepsAuthTime()
    {
        // The cookie was issued long ago (so the security stamp is re-validated and the cookie renewed), but the user
        // signed in a minute ago: within max_age.
        var now = DateTimeOffset.UtcNow;
        var signedIn = now.AddMinutes(-1);
        var cookie = await ResealedSessionAsync(issued: now.AddHours(-2), authTime: signedIn);

        using var response = await AuthorizeAsync(cookie, maxAge: 3600);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/consent", RedirectPath(response));
        var renewed = Assert.Single(SessionCookies(response));
        Assert.Equal(signedIn.ToUnixTimeSeconds(), AuthTimeOf(TicketFormat.Unprotect(renewed)!.Principal));
    }

    [Fact]
    public async Task MaxAge_SessionWithoutAuthTime_NeedsANewLogin()
    {
        // A session from before auth_time was recorded: when it began is unknown, so max_age cannot be met.
        var cookie = await ResealedSessionAsync(issued: DateTimeOffset.UtcNow, authTime: null);

        using var response = await AuthorizeAsync(cookie, maxAge: 3600);

        Assert.Equal("/account/login", RedirectPath(response));
    }

    [Fact]
    public async Task SignIn_RecordsAuthTime_AndTheIdTokenCarriesIt()
    {
        using var oauth = fixture.CreateOAuthClient();
        using var signIn = await oauth.SignInAsync(cancellationToken: Ct);
        var authTime = AuthTimeOf(TicketFormat.Unprotect(Assert.Single(SessionCookies(signIn)))!.Principal);
        Assert.NotNull(authTime);

        var pkce = Pkce.Create();
        var query = await oauth.FollowAuthorizeAsync(OAuthTestClient.AuthorizeUrl(fixture.Native.ClientId, AuthorizationFixture.NativeRedirect,
            "openid tasks:read", pkce, "s", fixture.Host.Issuer, extra: new Dictionary<string, string> { ["max_age"] = "3600" }), AuthorizationFixture.NativeRedirect, Ct);
        Assert.NotNull(query);
        var token = await oauth.ExchangeCodeAsync(fixture.Native, query["code"], pkce.Verifier, fixture.Host.Issuer, Ct);

        Assert.Equal(HttpStatusCode.OK, token.Status);
        var idToken = new JsonWebToken(token.Json.GetProperty("id_token").GetString());
        Assert.True(idToken.TryGetPayloadValue<long>(AuthTime, out var claimed), "The ID token has no numeric auth_time.");
        Assert.Equal(authTime, claimed);
        Assert.DoesNotContain(new JsonWebToken(token.AccessToken).Claims, c => c.Type == AuthTime);
    }

    /// <summary>Signs a fresh browser in and re-seals its session cookie with the given issue instant and auth_time.</summary>
    private async Task<string> ResealedSessionAsync(DateTimeOffset issued, DateTimeOffset? authTime)
    {
        using var oauth = fixture.CreateOAuthClient();
        using var signIn = await oauth.SignInAsync(cancellationToken: Ct);
        var ticket = TicketFormat.Unprotect(Assert.Single(SessionCookies(signIn)))!;
        var identity = (ClaimsIdentity)ticket.Principal.Identity!;
        foreach (var claim in identity.FindAll(AuthTime).ToList())
        {
            identity.RemoveClaim(claim);
        }

        if (authTime is { } value)
        {
            identity.AddClaim(new Claim(AuthTime, value.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        }

        ticket.Properties.IssuedUtc = issued;
        ticket.Properties.ExpiresUtc = DateTimeOffset.UtcNow.AddHours(8);
        return TicketFormat.Protect(new AuthenticationTicket(ticket.Principal, ticket.Properties, ticket.AuthenticationScheme));
    }

    private Task<HttpResponseMessage> AuthorizeAsync(string sessionCookie, int maxAge)
    {
        var url = OAuthTestClient.AuthorizeUrl(fixture.Web.ClientId, AuthorizationFixture.WebRedirect, "openid tasks:read", Pkce.Create(), "s",
            fixture.Host.Issuer, extra: new Dictionary<string, string> { ["max_age"] = maxAge.ToString(CultureInfo.InvariantCulture) });
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Cookie", $"{SessionCookie}={sessionCookie}");
        return fixture.Http.SendAsync(request, Ct);
    }

    private string? RedirectPath(HttpResponseMessage response) =>
        response.Headers.Location is { } location ? new Uri(fixture.Host.BaseUrl, location).AbsolutePath : null;

    private static IEnumerable<string> SessionCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Where(v => v.StartsWith(SessionCookie + "=", StringComparison.Ordinal) && !v.StartsWith(SessionCookie + "=;", StringComparison.Ordinal))
                .Select(v => v[(SessionCookie.Length + 1)..v.IndexOf(';', StringComparison.Ordinal)])
            : [];

    private static long? AuthTimeOf(ClaimsPrincipal principal) =>
        principal.FindFirst(AuthTime)?.Value is { } value ? long.Parse(value, CultureInfo.InvariantCulture) : null;
}
