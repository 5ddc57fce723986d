using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.Browser.Tests;

/// <summary>
/// The client's <c>redirect_uri</c>: a loopback listener on a free port, the way a native OAuth client receives the
/// authorization response (RFC 8252 §7.3). It answers every request with a small static page and keeps nothing;
/// the tests read <c>code</c>, <c>state</c> and <c>error</c> from the URL the browser was redirected to.
/// </summary>
/// <remarks>
/// Why a listener and not <c>page.RouteAsync</c> on an unused port: Playwright does not intercept a request that is
/// the target of a redirect (its Chromium network manager continues such requests unrouted), and the callback is
/// always reached through the 302 from <c>/oauth/authorize</c>. Against an unused port the browser's final load fails
/// with <c>net::ERR_CONNECTION_REFUSED</c>, which makes <c>GotoAsync</c> throw and leaves an error page behind.
/// </remarks>
public sealed class LoopbackCallback : IAsyncDisposable
{
    public const string Text = "Authorization response received by the client.";

    private const string Page = "<!DOCTYPE html><html lang=\"en\"><head><title>Client callback</title></head>"
        + "<body><p id=\"callback\">" + Text + "</p></body></html>";

    private readonly WebApplication _app;

    private LoopbackCallback(WebApplication app, string redirectUri)
    {
        _app = app;
        RedirectUri = redirectUri;
    }

    /// <summary>For example <c>http://127.0.0.1:40123/callback</c>.</summary>
    public string RedirectUri { get; }

    /// <summary>What the consent page shows as the redirect host, e.g. <c>127.0.0.1:40123</c>.</summary>
    public string Authority => new Uri(RedirectUri).Authority;

    public bool IsCallback(string url) => url.StartsWith(RedirectUri + "?", StringComparison.Ordinal);

    public static async Task<LoopbackCallback> StartAsync(CancellationToken cancellationToken)
    {
        // The empty builder reads no appsettings file and logs nothing; Kestrel alone, one terminal middleware.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(http =>
        {
            http.Response.ContentType = "text/html; charset=utf-8";
            return http.Response.WriteAsync(Page, http.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackCallback(app, address.TrimEnd('/') + "/callback");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
