using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Facade.Mocks.LegacyApi;
using Facade.Proxy.Tests.EndToEnd;
using Facade.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using static Facade.Proxy.Tests.Keys.TestCertificates;

namespace Facade.Proxy.Tests.Keys;

/// <summary>
/// Certificate rotation: a new signing certificate is added beside the old one; tokens signed by the old one keep
/// working until it is removed, new tokens are signed by the new one, and the JWKS publishes both meanwhile.
/// Refresh tokens are protected with the Data Protection key ring: they survive a restart that keeps the key ring,
/// and an edge with another key ring cannot read them.
/// </summary>
public sealed class KeyRotationTests
{
    // A fixed public URL, so tokens stay valid across restarts on different ports.
    private const string PublicUrl = "http://127.0.0.1:5999/";

    [Fact]
    public async Task AddingACertificate_KeepsOldTokensValid_AndSignsNewOnesWithTheNewKey()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("facade-keys-").FullName;
        var old = CreatePfx(folder, "old", TimeSpan.FromDays(30));
        var next = CreatePfx(folder, "new", TimeSpan.FromDays(365));
        var data = Directory.CreateTempSubdirectory("facade-test-").FullName;
        using var legacy = LegacyApiServer.Start();

        string oldToken;
        await using (var first = Start(legacy, data, [old]))
        {
            using var oauth = new OAuthTestClient(first.BaseUrl);
            var (_, token) = await oauth.GetTokenAsync("tasks:read", resource: PublicUrl, cancellationToken: ct);
            oldToken = token.AccessToken!;
            Assert.Equal(Thumbprint(old), new JsonWebToken(oldToken).Kid);
        }

        await using (var rotated = Start(legacy, data, [old, next]))
        {
            using var oauth = new OAuthTestClient(rotated.BaseUrl);
            using (var call = await OAuthFlowTests.Send(oauth.Api, HttpMethod.Get, "api/tasks", oldToken, ct))
            {
                Assert.Equal(HttpStatusCode.OK, call.StatusCode);
            }

            var (_, token) = await oauth.GetTokenAsync("tasks:read", resource: PublicUrl, cancellationToken: ct);
            Assert.Equal(Thumbprint(next), new JsonWebToken(token.AccessToken).Kid);
            var jwks = await oauth.Api.GetFromJsonAsync<JsonElement>("oauth/jwks", ct);
            Assert.Equal(2, jwks.GetProperty("keys").GetArrayLength());
        }

        await using (var retired = Start(legacy, data, [next], keepData: false))
        {
            using var http = retired.CreateHttpClient();
            using var call = await OAuthFlowTests.Send(http, HttpMethod.Get, "api/tasks", oldToken, ct);
            Assert.Equal(HttpStatusCode.Unauthorized, call.StatusCode);
        }

        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task AnEcdsaCertificate_SignsES256_AndRotatingFromRsaKeepsTheRsaTokensValid()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("facade-keys-").FullName;
        var rsa = CreatePfx(folder, "rsa", TimeSpan.FromDays(30));
        var ecdsa = CreateEcdsaPfx(folder, "ecdsa", TimeSpan.FromDays(365));
        var data = Directory.CreateTempSubdirectory("facade-test-").FullName;
        using var legacy = LegacyApiServer.Start();

        string rsaToken;
        await using (var first = Start(legacy, data, [rsa]))
        {
            using var oauth = new OAuthTestClient(first.BaseUrl);
            rsaToken = (await oauth.GetTokenAsync("tasks:read", resource: PublicUrl, cancellationToken: ct)).Token.AccessToken!;
            Assert.Equal("RS256", new JsonWebToken(rsaToken).Alg);
        }

        await using (var rotated = Start(legacy, data, [rsa, ecdsa], keepData: false))
        {
            using var oauth = new OAuthTestClient(rotated.BaseUrl);
            var (client, token) = await oauth.GetTokenAsync("tasks:read offline_access", resource: PublicUrl, cancellationToken: ct);
            Assert.Equal(HttpStatusCode.OK, token.Status);
            var jwt = new JsonWebToken(token.AccessToken);
            Assert.Equal(("ES256", Thumbprint(ecdsa)), (jwt.Alg, jwt.Kid));
            foreach (var accepted in new[] { rsaToken, token.AccessToken! })
            {
                using var call = await OAuthFlowTests.Send(oauth.Api, HttpMethod.Get, "api/tasks", accepted, ct);
                Assert.Equal(HttpStatusCode.OK, call.StatusCode);
            }

            var refreshed = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: ct);
            Assert.Equal(("ES256", HttpStatusCode.OK), (new JsonWebToken(refreshed.AccessToken).Alg, refreshed.Status));
            var metadata = await oauth.Api.GetFromJsonAsync<JsonElement>(".well-known/oauth-protected-resource", ct);
            Assert.Equal("[\"ES256\",\"RS256\"]", metadata.GetProperty("resource_signing_alg_values_supported").GetRawText());
        }

        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task RefreshToken_IssuedBeforeARestart_WorksAfterIt_WithTheSameKeyRing_AndNotWithAnother()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("facade-keys-").FullName;
        var signing = CreatePfx(folder, "signing", TimeSpan.FromDays(30));
        var data = Directory.CreateTempSubdirectory("facade-test-").FullName;
        var sharedKeyRing = Path.Combine(folder, "shared-key-ring");
        using var legacy = LegacyApiServer.Start();

        RegisteredClient client;
        TokenResult token;
        await using (var first = Start(legacy, data, [signing], dataProtection: sharedKeyRing))
        {
            using var oauth = new OAuthTestClient(first.BaseUrl);
            (client, token) = await oauth.GetTokenAsync("tasks:read offline_access", resource: PublicUrl, cancellationToken: ct);
            Assert.NotNull(token.RefreshToken);
        }

        Assert.NotEmpty(Directory.GetFiles(sharedKeyRing, "key-*.xml"));

        // Same database and certificates, another key ring: the refresh token cannot be read, so it is invalid.
        await using (var foreign = Start(legacy, data, [signing], dataProtection: Path.Combine(folder, "other-key-ring")))
        {
            using var oauth = new OAuthTestClient(foreign.BaseUrl);
            var refused = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: ct);
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Equal("invalid_grant", refused.Error);
        }

        await using (var restarted = Start(legacy, data, [signing], dataProtection: sharedKeyRing, keepData: false))
        {
            using var oauth = new OAuthTestClient(restarted.BaseUrl);
            var refreshed = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: ct);
            Assert.Equal(HttpStatusCode.OK, refreshed.Status);
            using var call = await OAuthFlowTests.Send(oauth.Api, HttpMethod.Get, "api/tasks", refreshed.AccessToken!, ct);
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        }

        Directory.Delete(folder, recursive: true);
    }

    private static FacadeHost Start(LegacyApiServer legacy, string data, string[] signing, bool keepData = true, string? dataProtection = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Facade:PublicUrl"] = PublicUrl,
            ["Facade:Keys:DataProtectionDirectory"] = dataProtection,
        };
        for (var i = 0; i < signing.Length; i++)
        {
            settings[$"Facade:Keys:SigningCertificates:{i}:Path"] = signing[i];
        }

        var host = FacadeHost.Start(legacy.Url, settings, data);
        host.KeepData = keepData;
        return host;
    }
}
