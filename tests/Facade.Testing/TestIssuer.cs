using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Facade.Testing;

/// <summary>
/// A stand-in for the edge's token side only: its discovery document and JWKS on 127.0.0.1, and access tokens signed
/// with its key in the edge's shape (<see cref="TestTokens.AccessToken"/>). For services that validate the edge's
/// tokens themselves (device edge, MCP adapter) when a test is about the service, not the OAuth flow: starting it
/// costs milliseconds, a real edge seconds. The end-to-end tests use the real edge.
/// </summary>
public sealed class TestIssuer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestIssuer(WebApplication app, RsaSecurityKey key, Uri baseUrl)
    {
        _app = app;
        SigningKey = key;
        BaseUrl = baseUrl;
    }

    /// <summary>The issuer (and audience) URL, with a trailing slash.</summary>
    public Uri BaseUrl { get; }

    public string Issuer => BaseUrl.AbsoluteUri;

    public RsaSecurityKey SigningKey { get; }

    public static async Task<TestIssuer> StartAsync()
    {
        var key = TestTokens.UntrustedRsaKey("test-issuer-key");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        Uri? baseUrl = null;
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(includePrivateParameters: false)) { KeyId = key.KeyId });
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, string>
        {
            ["issuer"] = baseUrl!.AbsoluteUri,
            ["jwks_uri"] = new Uri(baseUrl, "oauth/jwks").AbsoluteUri,
        }));
        app.MapGet("/oauth/jwks", () => Results.Json(new Dictionary<string, object>
        {
            ["keys"] = new[] { new Dictionary<string, string> { ["kty"] = jwk.Kty, ["kid"] = jwk.Kid, ["use"] = "sig", ["alg"] = "RS256", ["n"] = jwk.N, ["e"] = jwk.E } },
        }));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        baseUrl = new Uri(address.TrimEnd('/') + "/");
        return new TestIssuer(app, key, baseUrl);
    }

    /// <summary>A valid access token for <paramref name="subject"/> with <paramref name="scope"/>; <paramref name="change"/> alters one thing.</summary>
    public string Token(string subject, string scope, Func<TestToken, TestToken>? change = null)
    {
        var token = TestTokens.AccessToken(Issuer, scope) with { Subject = subject };
        return (change?.Invoke(token) ?? token).Sign(SigningKey);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
