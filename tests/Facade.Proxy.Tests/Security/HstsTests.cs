using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Facade.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// HSTS on the edge's own https answers outside Development, never in Development (a developer's browser would then
/// refuse plain http on that host name for a month), and never on proxied answers. The edge listens on an extra https
/// endpoint with a throw-away certificate and is addressed by a host name that HSTS does not exclude (it skips
/// localhost and loopback addresses).
/// </summary>
public sealed class HstsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("facade-hsts-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("Production", true)]
    [InlineData("Development", false)]
    public async Task Hsts_OnTheEdgesOwnHttpsAnswers_OnlyOutsideDevelopment(string environment, bool expected)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = FacadeHost.Start(environment: environment, settings: new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0",
            ["Kestrel:Endpoints:Https:Certificate:Path"] = CreatePfx("tls", serverAuthentication: true),
            ["Facade:PublicUrl"] = "https://facade.example/",
            ["Facade:Keys:SigningCertificates:0:Path"] = CreatePfx("signing"),
            ["Facade:Keys:EncryptionCertificates:0:Path"] = CreatePfx("encryption"),
            ["Facade:ApiKeys:HashKey"] = "hsts-test-api-key-pepper-0123456789",
        });
        var https = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Single(a => a.StartsWith("https://", StringComparison.Ordinal));
        using var client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        });

        using var page = await SendAsync(client, https + "/account/login", ct);
        using var proxied = await SendAsync(client, https + "/api/tasks", ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(expected, page.Headers.TryGetValues("Strict-Transport-Security", out var values));
        if (expected)
        {
            Assert.StartsWith("max-age=", Assert.Single(values!), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, proxied.StatusCode);
        Assert.False(proxied.Headers.Contains("Strict-Transport-Security"));
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string url, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Host = "facade.example";
        return await client.SendAsync(request, ct);
    }

    private string CreatePfx(string name, bool serverAuthentication = false)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=facade-{name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        if (serverAuthentication)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        }

        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
        var path = Path.Combine(_folder, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx));
        return path;
    }
}
