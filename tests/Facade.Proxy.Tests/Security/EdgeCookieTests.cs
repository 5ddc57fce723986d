using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// The edge's own cookies (the <c>facade.session</c> sign-in and its chunks, the external and two-factor sign-in
/// cookies, antiforgery, OpenIddict's correlation cookies, TempData) belong to the edge: a backend behind it could
/// replay a user's session against the edge. They are stripped from every proxied request in every upstream mode;
/// the backend's own cookies pass untouched, in order.
/// </summary>
public abstract class EdgeCookieTests<TFixture>(TFixture fixture)
    where TFixture : EdgeFixture
{
    [Fact]
    public async Task EdgeCookies_AreStripped_OtherCookiesPassInOrder()
    {
        var token = await fixture.SharedAccessTokenAsync("tasks:read");
        var antiforgery = fixture.Host.Services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.Cookie.Name;
        var cookie = $"theme=dark; facade.session=chunks-2; {antiforgery}=CfDJ8af; b=2;facade.sessionC1=one; FACADE.SESSIONC2=two; "
            + "OpenIddict.Client.State.n0nce=state; facade.external=ext; Identity.TwoFactorUserId=tf; Identity.TwoFactorRememberMe=rm; "
            + ".AspNetCore.Mvc.CookieTempDataProvider=td; facade.sessionless=kept; last=x=y";

        var (response, probe) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", token, [new("Cookie", cookie)]);
        response.Dispose();

        var received = fixture.BackendRequest(probe);
        Assert.NotNull(received);
        Assert.Equal("theme=dark; b=2; facade.sessionless=kept; last=x=y", received.Header("Cookie"));
    }

    [Fact]
    public async Task OnlyEdgeCookies_NoCookieHeaderReachesTheBackend()
    {
        var token = await fixture.SharedAccessTokenAsync("tasks:read");
        var (response, probe) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", token, [new("Cookie", "facade.session=s; facade.external=e")]);
        response.Dispose();

        var received = fixture.BackendRequest(probe);
        Assert.NotNull(received);
        Assert.False(received.HasHeader("Cookie"), $"The backend received Cookie: {received.Header("Cookie")}");
    }

    [Fact]
    public async Task SignedInBrowser_SessionAndAntiforgeryCookies_NeverReachTheBackend()
    {
        var ct = TestContext.Current.CancellationToken;
        var token = await fixture.SharedAccessTokenAsync("tasks:read");
        using var browser = fixture.CreateOAuthClient();
        using (var signIn = await browser.SignInAsync(cancellationToken: ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            Assert.Contains(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("facade.session=", StringComparison.Ordinal));
        }

        var probe = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/tasks");
        request.Headers.Add(EdgeFixture.ProbeHeader, probe);
        request.Headers.Add("Authorization", "Bearer " + token);
        using (await browser.Browser.SendAsync(request, ct))
        {
        }

        var received = fixture.BackendRequest(probe);
        Assert.NotNull(received);
        Assert.False(received.HasHeader("Cookie"), $"The backend received the browser's cookies: {received.Header("Cookie")}");
    }
}

public sealed class ForwardModeCookieTests(EdgeFixture fixture) : EdgeCookieTests<EdgeFixture>(fixture), IClassFixture<EdgeFixture>;

public sealed class BackendSecretModeCookieTests(BackendSecretModeFixture fixture) : EdgeCookieTests<BackendSecretModeFixture>(fixture), IClassFixture<BackendSecretModeFixture>;

public sealed class IdentityModeCookieTests(IdentityModeFixture fixture) : EdgeCookieTests<IdentityModeFixture>(fixture), IClassFixture<IdentityModeFixture>;
