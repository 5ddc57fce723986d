using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Facade.Mocks.LegacyApi;
using Facade.Proxy.Tests.EndToEnd;
using Facade.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Facade.Proxy.Tests.Keys;

/// <summary>
/// Certificate rotation: a new signing certificate is added beside the old one; tokens signed by the old one keep
/// working until it is removed, new tokens are signed by the new one, and the JWKS publishes both meanwhile.
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
        var encryption = CreatePfx(folder, "encryption", TimeSpan.FromDays(365));
        var data = Directory.CreateTempSubdirectory("facade-test-").FullName;
        using var legacy = LegacyApiServer.Start();

        string oldToken;
        await using (var first = Start(legacy, data, [old], encryption))
        {
            using var oauth = new OAuthTestClient(first.BaseUrl);
            var (_, token) = await oauth.GetTokenAsync("tasks:read", resource: PublicUrl, cancellationToken: ct);
            oldToken = token.AccessToken!;
            Assert.Equal(Thumbprint(old), new JsonWebToken(oldToken).Kid);
        }

        await using (var rotated = Start(legacy, data, [old, next], encryption))
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

        await using (var retired = Start(legacy, data, [next], encryption, keepData: false))
        {
            using var http = retired.CreateHttpClient();
            using var call = await OAuthFlowTests.Send(http, HttpMethod.Get, "api/tasks", oldToken, ct);
            Assert.Equal(HttpStatusCode.Unauthorized, call.StatusCode);
        }

        Directory.Delete(folder, recursive: true);
    }

    private static FacadeHost Start(LegacyApiServer legacy, string data, string[] signing, string encryption, bool keepData = true)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Facade:PublicUrl"] = PublicUrl,
            ["Facade:Keys:EncryptionCertificates:0:Path"] = encryption,
        };
        for (var i = 0; i < signing.Length; i++)
        {
            settings[$"Facade:Keys:SigningCertificates:{i}:Path"] = signing[i];
        }

        var host = FacadeHost.Start(legacy.Url, settings, data);
        host.KeepData = keepData;
        return host;
    }

    private static string CreatePfx(string folder, string name, TimeSpan lifetime)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=facade-{name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.Add(lifetime));
        var path = Path.Combine(folder, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx));
        return path;
    }

    private static string Thumbprint(string pfx) =>
        X509CertificateLoader.LoadPkcs12FromFile(pfx, null).Thumbprint;
}
