using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Facade.Common.Identity;
using Facade.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Time.Testing;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// A real backend that checks every request with the verifier backend teams get (<see cref="IdentityVerifier"/>),
/// behind an edge whose tasks route rewrites the path (<c>PathPrefix /v2</c>) and drops <c>?access_token=</c>: the
/// signature must cover what the backend receives, not what the client sent.
/// </summary>
public sealed class VerifyingBackendFixture : IAsyncLifetime
{
    public const string Key = "identity-signing-key-0123456789-abcdefgh";
    public const int MaxBodyBytes = 4096;

    private WebApplication _backend = null!;

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    public IdentityNonceCache Nonces { get; } = new(TimeProvider.System);

    public FacadeHost Host { get; private set; } = null!;

    public Uri BackendUrl { get; private set; } = null!;

    public string Token { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _backend = builder.Build();
        _backend.Run(async context =>
        {
            var verification = await IdentityVerifier.VerifyAsync(context.Request, Encoding.UTF8.GetBytes(Key), TimeProvider.System, TimeSpan.FromMinutes(5), Nonces);
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            Received.Enqueue(new ReceivedRequest(
                context.Request.Method, context.Request.Host.Value!, context.Features.Get<IHttpRequestFeature>()!.RawTarget, body.ToArray(),
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), verification));
            context.Response.StatusCode = verification.IsValid ? StatusCodes.Status200OK : StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync(verification.IsValid ? "verified " + verification.Subject : verification.Failure + ": " + verification.Reason, context.RequestAborted);
        });
        await _backend.StartAsync(ct);
        BackendUrl = new Uri(_backend.Urls.First() + "/");

        var routes = Path.Combine(Directory.CreateTempSubdirectory("facade-routes-").FullName, "yarp.json");
        await File.WriteAllTextAsync(routes, $$"""
            { "ReverseProxy": {
                "Routes": {
                  "tasks": { "ClusterId": "signed", "Match": { "Path": "/api/tasks/{**rest}" }, "Metadata": { "Facade.Scopes": "tasks:read" },
                             "Transforms": [ { "PathPrefix": "/v2" } ] } },
                "Clusters": { "signed": { "Destinations": { "primary": { "Address": "{{BackendUrl}}" } },
                                          "Metadata": { "Facade.UpstreamToken": "identity" } } } } }
            """, ct);
        Host = FacadeHost.Start(settings: new Dictionary<string, string?>
        {
            ["Facade:Edge:RoutesFile"] = routes,
            ["Facade:Edge:IdentitySigningKey"] = Key,
            ["Facade:Edge:IdentityMaxBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Facade:Edge:AllowQueryStringToken"] = "true",
        });
        using var oauth = new OAuthTestClient(Host.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: ct);
        Token = token.AccessToken!;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await _backend.DisposeAsync();
    }

    /// <summary>Sends through the edge with a probe header; returns the answer and what the backend received.</summary>
    public async Task<(HttpStatusCode Status, string Body, ReceivedRequest? Received)> SendAsync(HttpMethod method, string target, HttpContent? content = null, bool queryToken = false)
    {
        var probe = Guid.NewGuid().ToString("N");
        using var http = Host.CreateHttpClient();
        using var request = new HttpRequestMessage(method, queryToken ? target + (target.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "access_token=" + Token : target)
        {
            Content = content,
        };
        request.Headers.Add(EdgeFixture.ProbeHeader, probe);
        if (!queryToken)
        {
            request.Headers.Add("Authorization", "Bearer " + Token);
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, body, Received.SingleOrDefault(r => r.Headers.GetValueOrDefault(EdgeFixture.ProbeHeader) == probe));
    }
}

public sealed record ReceivedRequest(string Method, string Host, string Target, byte[] Body, IReadOnlyDictionary<string, string> Headers, IdentityVerification Verification)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name);
}

/// <summary>
/// Identity mode end to end: the edge signs method, the host and path+query the backend receives, a SHA-256 of the
/// body, a timestamp and a nonce; the shipped verifier accepts exactly that request and nothing changed from it.
/// </summary>
public sealed class IdentitySignedRequestTests(VerifyingBackendFixture fixture) : IClassFixture<VerifyingBackendFixture>
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes(VerifyingBackendFixture.Key);

    [Theory]
    [InlineData("GET", "api/tasks", "/v2/api/tasks")]
    [InlineData("GET", "api/tasks/t-1?q=a%20b&x=%C3%A9&y=%2F", "/v2/api/tasks/t-1?q=a%20b&x=%C3%A9&y=%2F")]
    [InlineData("DELETE", "api/tasks/t%201", "/v2/api/tasks/t%201")]
    public async Task BodilessRequest_VerifiesAtTheBackend(string method, string target, string expectedTarget)
    {
        var (status, body, received) = await fixture.SendAsync(new HttpMethod(method), target);

        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {body}");
        Assert.NotNull(received);
        Assert.Equal(expectedTarget, received.Target);
        Assert.Equal(IdentitySignature.ContentSha256([]), received.Header(IdentitySignature.ContentSha256Header));
    }

    [Fact]
    public async Task QueryStringToken_IsRemovedBeforeSigning_AndTheRequestVerifies()
    {
        var (status, body, received) = await fixture.SendAsync(HttpMethod.Get, "api/tasks?state=open", queryToken: true);

        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {body}");
        Assert.Equal("/v2/api/tasks?state=open", received!.Target);
    }

    [Fact]
    public async Task Bodies_FixedLengthAndChunked_AreHashedAsReceived_AndVerify()
    {
        var json = """{"title":"signed","notes":"ünïcode"}""";
        var (status, body, received) = await fixture.SendAsync(HttpMethod.Post, "api/tasks", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {body}");
        Assert.Equal(json, Encoding.UTF8.GetString(received!.Body));
        Assert.Equal(IdentitySignature.ContentSha256(Encoding.UTF8.GetBytes(json)), received.Header(IdentitySignature.ContentSha256Header));

        var bytes = new byte[VerifyingBackendFixture.MaxBodyBytes];
        Random.Shared.NextBytes(bytes);
        (status, body, received) = await fixture.SendAsync(HttpMethod.Put, "api/tasks/t-1", ChunkedContent.Create(bytes, "application/octet-stream"));
        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {body}");
        Assert.Equal(bytes, received!.Body);
    }

    [Fact]
    public async Task BodyOverTheSigningLimit_Is413_AndNeverReachesTheBackend()
    {
        var bytes = new byte[VerifyingBackendFixture.MaxBodyBytes + 1];
        foreach (var content in new[] { new ByteArrayContent(bytes), ChunkedContent.Create(bytes, "application/octet-stream") })
        {
            var (status, body, received) = await fixture.SendAsync(HttpMethod.Post, "api/tasks", content);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
            Assert.Contains("\"error\"", body, StringComparison.Ordinal);
            Assert.Null(received);
        }
    }

    [Fact]
    public async Task ReplayedStraightToTheBackend_IsRejected()
    {
        var (status, _, received) = await fixture.SendAsync(HttpMethod.Post, "api/tasks", new StringContent("{\"title\":\"once\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, status);

        using var http = new HttpClient { BaseAddress = fixture.BackendUrl };
        using var replay = new HttpRequestMessage(HttpMethod.Post, received!.Target) { Content = new ByteArrayContent(received.Body) };
        foreach (var (name, value) in received.Headers.Where(h => h.Key.StartsWith("X-Facade-", StringComparison.OrdinalIgnoreCase)))
        {
            replay.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(replay, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith(nameof(IdentityFailure.Replayed), await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    public static TheoryData<string, IdentityFailure> Tampering => new()
    {
        { "path", IdentityFailure.BadSignature },
        { "query", IdentityFailure.BadSignature },
        { "method", IdentityFailure.BadSignature },
        { "host", IdentityFailure.BadSignature },
        { "subject", IdentityFailure.BadSignature },
        { "scopes", IdentityFailure.BadSignature },
        { "nonce", IdentityFailure.BadSignature },
        { "timestamp", IdentityFailure.BadSignature },
        { "signature", IdentityFailure.BadSignature },
        { "key", IdentityFailure.BadSignature },
        { "body", IdentityFailure.BodyMismatch },
        { "old", IdentityFailure.OutsideWindow },
        { "future", IdentityFailure.OutsideWindow },
        { "missing", IdentityFailure.MissingHeader },
    };

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task SignedRequest_WithOneThingChanged_IsRejected(string change, IdentityFailure expected)
    {
        var (status, _, received) = await fixture.SendAsync(HttpMethod.Post, "api/tasks/t-1?q=1", new StringContent("{\"title\":\"t\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, status);
        var r = received!;
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(r.Header(IdentitySignature.TimestampHeader)!, System.Globalization.CultureInfo.InvariantCulture));
        var headers = new Dictionary<string, string>(r.Headers.ToDictionary(), StringComparer.OrdinalIgnoreCase);
        var (method, host, target, body, key, now) = (r.Method, r.Host, r.Target, r.Body, Key, signedAt);
        switch (change)
        {
            case "path": target = target.Replace("t-1", "t-2", StringComparison.Ordinal); break;
            case "query": target += "&admin=1"; break;
            case "method": method = "DELETE"; break;
            case "host": host = "other.internal:" + fixture.BackendUrl.Port; break;
            case "subject": headers[IdentitySignature.SubjectHeader] = "admin"; break;
            case "scopes": headers[IdentitySignature.ScopesHeader] += " tasks:write"; break;
            case "nonce": headers[IdentitySignature.NonceHeader] = IdentitySignature.NewNonce(); break;
            case "timestamp": headers[IdentitySignature.TimestampHeader] = IdentitySignature.Timestamp(signedAt.AddSeconds(1)); break;
            case "signature": headers[IdentitySignature.SignatureHeader] = "not-a-signature"; break;
            case "key": key = Encoding.UTF8.GetBytes("another-identity-key-0123456789-abcdefgh"); break;
            case "body": body = Encoding.UTF8.GetBytes("{\"title\":\"T\"}"); break;
            case "old": now = signedAt.AddMinutes(5).AddSeconds(1); break;
            case "future": now = signedAt.AddMinutes(-5).AddSeconds(-1); break;
            case "missing": headers.Remove(IdentitySignature.NonceHeader); break;
        }

        // Unchanged, the same request verifies at the same instant: only the change above makes it fail.
        var untouched = IdentityVerifier.Verify(r.Header, r.Method, r.Host, r.Target, r.Body, Key, new FakeTimeProvider(signedAt), TimeSpan.FromMinutes(5));
        Assert.True(untouched.IsValid, untouched.Reason);

        var verification = IdentityVerifier.Verify(headers.GetValueOrDefault, method, host, target, body, key, new FakeTimeProvider(now), TimeSpan.FromMinutes(5));
        Assert.Equal(expected, verification.Failure);
        Assert.False(verification.IsValid);
    }
}
