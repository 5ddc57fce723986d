using System.Net;
using System.Net.Http.Headers;
using Facade.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Facade.DeviceEdge.Tests.Auth;

/// <summary>
/// The REST API is a resource server of its own: reached around the edge it still refuses every token the edge would
/// refuse, and its 401/403 answers tell the client where to get the right token (docs/architecture.md).
/// </summary>
public sealed class TokenValidationTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    public static TheoryData<string> BadTokens => new()
    {
        "forged",
        "expired",
        "wrong-audience",
        "wrong-issuer",
        "wrong-type",
        "unsigned",
        "hs256-with-public-key",
        "no-subject",
        "garbage",
    };

    [Fact]
    public async Task NoToken_Returns401WithResourceMetadata()
    {
        using var client = fixture.Host.CreateHttpClient();

        using var response = await client.GetAsync("devices", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains($"resource_metadata=\"{fixture.Issuer.Issuer}.well-known/oauth-protected-resource/devices\"", challenge);
        Assert.DoesNotContain("invalid_token", challenge);
        Assert.Equal("unauthorized", (await JsonHttp.ReadJsonAsync(response)).Text("error"));
    }

    [Fact]
    public async Task TokenRevokedAtTheIssuer_IsRefused_WithinSeconds_EvenWhenRemembered()
    {
        var ct = TestContext.Current.CancellationToken;
        var token = fixture.Issuer.Token("revoked-user", "devices:read");
        using var client = fixture.Host.CreateHttpClient(token);
        using (var before = await client.GetAsync("devices", ct))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        fixture.Issuer.Revoke(token);

        // The feed is polled every second; the validated token is in the cache, which must not hide the revocation.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        HttpStatusCode status;
        do
        {
            using var response = await client.GetAsync("devices", ct);
            status = response.StatusCode;
            if (status == HttpStatusCode.Unauthorized)
            {
                Assert.Equal("invalid_token", (await JsonHttp.ReadJsonAsync(response)).Text("error"));
                break;
            }

            await Task.Delay(100, ct);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task TokenWithoutJti_IsRefused_ItCouldNeverBeRevoked()
    {
        var token = fixture.Issuer.Token("no-jti-user", "devices:read", t => t with { Jti = null });
        using var client = fixture.Host.CreateHttpClient(token);

        using var response = await client.GetAsync("devices", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task NoToken_OnAlerts_PointsAtTheAlertsMetadata()
    {
        using var client = fixture.Host.CreateHttpClient();

        using var response = await client.GetAsync("alerts", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains($"resource_metadata=\"{fixture.Issuer.Issuer}.well-known/oauth-protected-resource/alerts\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task BadToken_Returns401InvalidToken(string kind)
    {
        var token = BadToken(kind);
        using var client = fixture.Host.CreateHttpClient(token);

        using var response = await client.GetAsync("devices", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"invalid_token\"", challenge);
        Assert.Contains("resource_metadata=", challenge);
        Assert.Equal("invalid_token", (await JsonHttp.ReadJsonAsync(response)).Text("error"));
    }

    [Fact]
    public async Task ValidToken_ReadsDevices()
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser(), "devices:read");

        var (status, json) = await client.SendJsonAsync(HttpMethod.Get, "devices");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, json.GetProperty("devices").GetArrayLength());
    }

    [Theory]
    [InlineData("POST", "devices", "devices:write")]
    [InlineData("PATCH", "devices/x", "devices:write")]
    [InlineData("DELETE", "devices/x", "devices:write")]
    [InlineData("POST", "devices/x/secret", "devices:write")]
    [InlineData("PUT", "devices/x/shares/someone", "devices:write")]
    [InlineData("DELETE", "devices/x/shares/someone", "devices:write")]
    public async Task WriteWithoutDevicesWrite_Returns403InsufficientScope(string method, string path, string needed)
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser(), "devices:read telemetry:read");

        var (status, json) = await client.SendJsonAsync(new HttpMethod(method), path, """{"name":"x","type":"y","access":"read"}""");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("insufficient_scope", json.Text("error"));
        Assert.Equal(needed, json.Text("scope"));
    }

    [Theory]
    [InlineData("devices")]
    [InlineData("devices/x")]
    [InlineData("devices/summary")]
    public async Task ReadWithoutDevicesRead_Returns403WithTheStandardChallenge(string path)
    {
        using var client = fixture.Host.CreateHttpClient(fixture.Issuer.Token(DeviceEdgeFixture.NewUser(), "devices:write"));

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"insufficient_scope\"", challenge);
        Assert.Contains("scope=\"devices:read\"", challenge);
        Assert.Contains($"resource_metadata=\"{fixture.Issuer.Issuer}.well-known/oauth-protected-resource/devices\"", challenge);
    }

    [Fact]
    public async Task BearerSchemeMissing_IsTreatedAsNoToken()
    {
        using var client = fixture.Host.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz");

        using var response = await client.GetAsync("devices", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", (await JsonHttp.ReadJsonAsync(response)).Text("error"));
    }

    private string BadToken(string kind)
    {
        var issuer = fixture.Issuer;
        var user = DeviceEdgeFixture.NewUser();
        const string scope = DeviceEdgeFixture.ReadWrite;
        var valid = TestTokens.AccessToken(issuer.Issuer, scope) with { Subject = user };
        return kind switch
        {
            "forged" => valid.Sign(TestTokens.UntrustedRsaKey(issuer.SigningKey.KeyId)),
            "expired" => issuer.Token(user, scope, t => t with
            {
                IssuedAt = DateTimeOffset.UtcNow.AddHours(-2),
                NotBefore = DateTimeOffset.UtcNow.AddHours(-2),
                Expires = DateTimeOffset.UtcNow.AddHours(-1),
            }),
            "wrong-audience" => issuer.Token(user, scope, t => t with { Audience = "https://elsewhere.example/" }),
            "wrong-issuer" => issuer.Token(user, scope, t => t with { Issuer = "https://elsewhere.example/" }),
            "wrong-type" => issuer.Token(user, scope, t => t with { Type = "JWT" }),
            "unsigned" => valid.Unsigned(),
            "hs256-with-public-key" => valid.Sign(TestTokens.PublicKeyAsHmacKey(issuer.SigningKey), SecurityAlgorithms.HmacSha256),
            "no-subject" => issuer.Token("", scope),
            _ => "not-a-jwt",
        };
    }
}
