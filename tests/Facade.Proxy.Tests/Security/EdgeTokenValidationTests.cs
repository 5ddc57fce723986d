using System.Net;
using Facade.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// The edge in front of <c>/api/tasks</c>: a request without a usable bearer token is 401 <c>unauthorized</c>, a
/// token that fails any check is 401 <c>invalid_token</c>, a valid token without the route's scope is 403
/// <c>insufficient_scope</c>; none of them reaches the backend. Each forged token differs from an accepted one
/// (<see cref="AcceptedForgery_ReachesTheBackend"/>) in exactly one respect.
/// </summary>
public sealed class EdgeTokenValidationTests(EdgeFixture edge) : IClassFixture<EdgeFixture>
{
    private const string Path = "api/tasks";

    /// <summary>Everything needed to forge a token: an accepted baseline and the server's real signing key.</summary>
    public sealed record Forge(TestToken Valid, SecurityKey Key);

    private static readonly Dictionary<string, Func<Forge, string>> Forgeries = new()
    {
        ["alg none, no signature"] = f => f.Valid.Unsigned(),
        ["signed by an untrusted RSA key that claims the real kid"] = f => f.Valid.Sign(TestTokens.UntrustedRsaKey(f.Key.KeyId)),
        ["HS256 keyed with the server's public key (algorithm confusion)"] = f =>
            f.Valid.Sign(TestTokens.PublicKeyAsHmacKey(f.Key), SecurityAlgorithms.HmacSha256),
        ["real header and payload, signature stripped"] = f => StripSignature(f.Valid.Sign(f.Key)),
        ["real header and signature, payload swapped for more scopes"] = f => Splice(
            f.Valid.Sign(f.Key), (f.Valid with { Scope = "tasks:read tasks:write organizations:read" }).Sign(f.Key)),
        ["RS512 with the real key (algorithm not allowed)"] = f => f.Valid.Sign(f.Key, SecurityAlgorithms.RsaSha512),
        ["aud of another resource"] = f => (f.Valid with { Audience = "https://evil.example/" }).Sign(f.Key),
        ["aud of a path under the issuer, not the canonical resource"] = f => (f.Valid with { Audience = f.Valid.Issuer + "api" }).Sign(f.Key),
        ["no aud"] = f => (f.Valid with { Audience = null }).Sign(f.Key),
        ["iss of another server"] = f => (f.Valid with { Issuer = "https://evil.example/" }).Sign(f.Key),
        ["expired five minutes ago (beyond the 30 s skew)"] = f => (f.Valid with
        {
            IssuedAt = DateTimeOffset.UtcNow.AddHours(-1),
            NotBefore = DateTimeOffset.UtcNow.AddHours(-1),
            Expires = DateTimeOffset.UtcNow.AddMinutes(-5),
        }).Sign(f.Key),
        ["not valid for five more minutes (nbf beyond the skew)"] = f => (f.Valid with
        {
            NotBefore = DateTimeOffset.UtcNow.AddMinutes(5),
            Expires = DateTimeOffset.UtcNow.AddMinutes(15),
        }).Sign(f.Key),
        ["no exp"] = f => (f.Valid with { Expires = null }).Sign(f.Key),
        ["typ JWT instead of at+jwt"] = f => (f.Valid with { Type = "JWT" }).Sign(f.Key),
        ["real key, jti never issued (not in the ledger)"] = f => (f.Valid with { Jti = Guid.NewGuid().ToString("N") }).Sign(f.Key),
        ["real key, no jti"] = f => (f.Valid with { Jti = null }).Sign(f.Key),
    };

    public static TheoryData<string> ForgedTokens => [.. Forgeries.Keys];

    [Fact]
    public async Task AcceptedForgery_ReachesTheBackend()
    {
        // The control for every forgery below: signed with the real key, shaped right, jti in the ledger.
        var forge = await NewForgeAsync();
        var (response, probe) = await edge.SendBearerAsync(HttpMethod.Get, Path, forge.Valid.Sign(forge.Key));
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotNull(edge.BackendRequest(probe));
        }
    }

    [Fact]
    public async Task NoToken_Is401Unauthorized_WithResourceMetadata()
    {
        var (response, probe) = await edge.SendAsync(HttpMethod.Get, Path, authorization: null);
        using (response)
        {
            await AssertUnauthorizedAsync(response, probe, tokenSent: false);
        }
    }

    [Theory]
    [InlineData("Basic ZGVtbzpkZW1vLXBhc3N3b3Jk")]
    [InlineData("Digest username=\"demo\", realm=\"facade\", nonce=\"1\", uri=\"/api/tasks\", response=\"0\"")]
    [InlineData("Token abc")]
    [InlineData("Bearer")]
    [InlineData("")]
    public async Task NoBearerCredential_Is401Unauthorized_WithoutErrorCode(string authorization)
    {
        // RFC 6750 §3.1: a request that lacks bearer credentials, or "attempted using an unsupported authentication
        // method", gets the challenge without an error code. The credential itself never reaches the backend.
        var (response, probe) = await edge.SendAsync(HttpMethod.Get, Path, authorization);
        using (response)
        {
            await AssertUnauthorizedAsync(response, probe, tokenSent: false, "ZGVtbzpkZW1vLXBhc3N3b3Jk");
        }
    }

    [Fact]
    public async Task TokenInQueryString_IsIgnoredByDefault()
    {
        var forge = await NewForgeAsync();
        var (response, probe) = await edge.SendAsync(HttpMethod.Get, Path + "?access_token=" + forge.Valid.Sign(forge.Key), authorization: null);
        using (response)
        {
            await AssertUnauthorizedAsync(response, probe, tokenSent: false);
        }
    }

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task ForgedToken_Is401InvalidToken(string forgery)
    {
        var forge = await NewForgeAsync();
        var token = Forgeries[forgery](forge);
        var (response, probe) = await edge.SendBearerAsync(HttpMethod.Get, Path, token);
        using (response)
        {
            await AssertUnauthorizedAsync(response, probe, tokenSent: true, token);
        }
    }

    [Theory]
    [InlineData("Bearer garbage")]
    [InlineData("Bearer a.b.c")]
    [InlineData("Bearer a.b")]
    [InlineData("Bearer a.b.c.d.e")]
    [InlineData("Bearer eyJhbGciOiJub25lIn0.e30.")]
    [InlineData("Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.bm90IGpzb24.AAAA")]
    [InlineData("Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.W10.AAAA")]
    [InlineData("Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.!!!.AAAA")]
    [InlineData("Bearer W10.e30.AAAA")]
    [InlineData("Bearer {\"sub\":\"admin\"}")]
    [InlineData("Bearer ' OR 1=1 --")]
    [InlineData("bearer garbage")]
    [InlineData("Bearer two tokens")]
    public async Task GarbageBearerToken_Is401InvalidToken(string authorization)
    {
        var (response, probe) = await edge.SendAsync(HttpMethod.Get, Path, authorization);
        using (response)
        {
            await AssertUnauthorizedAsync(response, probe, tokenSent: true);
        }
    }

    [Fact]
    public async Task HugeGarbageToken_Is401InvalidToken()
    {
        var (response, probe) = await edge.SendAsync(HttpMethod.Get, Path, "Bearer " + new string('A', 16_000));
        using (response)
        {
            await AssertUnauthorizedAsync(response, probe, tokenSent: true);
        }
    }

    [Fact]
    public async Task RevokedToken_Is401InvalidToken()
    {
        var forge = await NewForgeAsync();
        var token = forge.Valid.Sign(forge.Key);
        var (accepted, _) = await edge.SendBearerAsync(HttpMethod.Get, Path, token);
        using (accepted)
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        await edge.Ledger.RevokeByJtiAsync(forge.Valid.Jti!, TestContext.Current.CancellationToken);
        var (response, probe) = await edge.SendBearerAsync(HttpMethod.Get, Path, token);
        using (response)
        {
            await AssertUnauthorizedAsync(response, probe, tokenSent: true, token);
        }
    }

    [Theory]
    [InlineData("GET", "api/tasks", "organizations:read", "tasks:read")]
    [InlineData("GET", "api/tasks/1", "tasks:write", "tasks:read")]
    [InlineData("POST", "api/tasks", "tasks:read", "tasks:write")]
    [InlineData("PUT", "api/tasks/1", "tasks:read organizations:read", "tasks:write")]
    [InlineData("PATCH", "api/tasks/1", "tasks:read", "tasks:write")]
    [InlineData("DELETE", "api/tasks/1", "tasks:read", "tasks:write")]
    [InlineData("GET", "api/organizations", "tasks:read tasks:write", "organizations:read")]
    public async Task MissingScope_Is403InsufficientScope(string method, string path, string granted, string needed)
    {
        var token = await edge.GetAccessTokenAsync(granted);
        using var content = method is "GET" ? null : new StringContent("{\"title\":\"x\"}", System.Text.Encoding.UTF8, "application/json");
        var (response, probe) = await edge.SendBearerAsync(new HttpMethod(method), path, token, content: content);
        using (response)
        {
            var body = await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.Forbidden, "insufficient_scope", token);
            Assert.Equal(needed, body.GetProperty("scope").GetString());
            var challenge = SecurityAssert.SingleChallenge(response);
            Assert.Equal(
                $"Bearer error=\"insufficient_scope\", scope=\"{needed}\", resource_metadata=\"{edge.ApiResourceMetadata}\"",
                challenge.Raw);
            Assert.Null(edge.BackendRequest(probe));
        }
    }

    private async Task<Forge> NewForgeAsync()
    {
        var valid = TestTokens.AccessToken(edge.Host.Issuer, "tasks:read");
        await edge.RecordAsync(valid);
        return new Forge(valid, edge.SigningKey);
    }

    private static string StripSignature(string token) => token[..(token.LastIndexOf('.') + 1)];

    /// <summary>Header and signature of <paramref name="signed"/> around the payload of <paramref name="other"/>.</summary>
    private static string Splice(string signed, string other)
    {
        var parts = signed.Split('.');
        return $"{parts[0]}.{other.Split('.')[1]}.{parts[2]}";
    }

    private async Task AssertUnauthorizedAsync(HttpResponseMessage response, string probe, bool tokenSent, params string[] secrets)
    {
        var body = await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.Unauthorized, tokenSent ? "invalid_token" : "unauthorized", secrets);
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("error_description").GetString()));

        var challenge = SecurityAssert.SingleChallenge(response);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Equal(edge.ApiResourceMetadata, challenge["resource_metadata"]);
        Assert.Equal(tokenSent ? "invalid_token" : null, challenge["error"]);
        Assert.Null(edge.BackendRequest(probe));
    }
}
