using System.Globalization;
using System.Net;
using Facade.Common.Revocation;
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
/// A stand-in for the edge's token side only: its discovery document, JWKS and revocation feed on 127.0.0.1, and
/// access tokens signed with its key in the edge's shape (<see cref="TestTokens.AccessToken"/>). For services that validate the edge's
/// tokens themselves (device edge, MCP adapter) when a test is about the service, not the OAuth flow: starting it
/// costs milliseconds, a real edge seconds. The end-to-end tests use the real edge.
/// </summary>
public sealed class TestIssuer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<RevokedJti> _revoked;

    private TestIssuer(WebApplication app, RsaSecurityKey key, Uri baseUrl, List<RevokedJti> revoked)
    {
        _app = app;
        _revoked = revoked;
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

        // The revocation feed's shape (the edge's GET /oauth/revocations), with the list index as the cursor.
        var revoked = new List<RevokedJti>();
        app.MapGet("/oauth/revocations", (string? after) =>
        {
            lock (revoked)
            {
                var from = int.TryParse(after, out var cursor) ? cursor : 0;
                var page = new RevocationFeedPage([.. revoked.Skip(from)], revoked.Count.ToString(CultureInfo.InvariantCulture), HasMore: false);
                return Results.Json(page, RevocationFeedJsonContext.Default.RevocationFeedPage);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        baseUrl = new Uri(address.TrimEnd('/') + "/");
        return new TestIssuer(app, key, baseUrl, revoked);
    }

    /// <summary>A valid access token for <paramref name="subject"/> with <paramref name="scope"/>; <paramref name="change"/> alters one thing.</summary>
    public string Token(string subject, string scope, Func<TestToken, TestToken>? change = null)
    {
        var token = TestTokens.AccessToken(Issuer, scope) with { Subject = subject };
        return (change?.Invoke(token) ?? token).Sign(SigningKey);
    }

    /// <summary>Reports <paramref name="token"/>'s jti as revoked on the feed, as the edge does after a revocation.</summary>
    public void Revoke(string token)
    {
        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token);
        lock (_revoked)
        {
            _revoked.Add(new RevokedJti(jwt.Id, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero).ToUnixTimeSeconds()));
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
