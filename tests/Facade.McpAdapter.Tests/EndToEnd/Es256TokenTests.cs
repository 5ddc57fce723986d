using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Facade.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Facade.McpAdapter.Tests.EndToEnd;

/// <summary>
/// An edge that signs with ECDSA P-256 (<c>Facade:Keys:DevelopmentAlgorithm=ES256</c>): its tokens are ES256 and
/// every consumer in the project takes them — the edge itself, the MCP adapter and the device edge, each validating
/// with the edge's JWKS — while a token signed with another P-256 key under the same key id is refused by all three.
/// </summary>
public sealed class Es256TokenTests : IAsyncLifetime
{
    private FacadeStack _stack = null!;

    public ValueTask InitializeAsync()
    {
        _stack = FacadeStack.Start(withDevices: true, edgeSettings: new Dictionary<string, string?>
        {
            ["Facade:Keys:DevelopmentAlgorithm"] = "ES256",
        });
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _stack.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TokensAreES256_AndTheEdgeTheAdapterAndTheDeviceEdgeAcceptThem_AfterARefreshToo()
    {
        using var oauth = new OAuthTestClient(_stack.Edge.BaseUrl);
        var (client, token) = await oauth.GetTokenAsync("devices:read tasks:read offline_access", resource: _stack.Edge.Issuer, cancellationToken: Ct);
        var jwt = new JsonWebToken(token.AccessToken);
        Assert.Equal(("ES256", "at+jwt"), (jwt.Alg, jwt.Typ));

        var jwks = await oauth.Api.GetFromJsonAsync<JsonElement>("oauth/jwks", Ct);
        var key = Assert.Single(jwks.GetProperty("keys").EnumerateArray());
        Assert.Equal(("EC", "P-256", jwt.Kid), (key.GetProperty("kty").GetString(), key.GetProperty("crv").GetString(), key.GetProperty("kid").GetString()));
        var metadata = await oauth.Api.GetFromJsonAsync<JsonElement>(".well-known/oauth-protected-resource", Ct);
        Assert.Equal("[\"ES256\"]", metadata.GetProperty("resource_signing_alg_values_supported").GetRawText());

        await AssertAcceptedEverywhereAsync(token.AccessToken!);

        var refreshed = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        Assert.Equal("ES256", new JsonWebToken(refreshed.AccessToken).Alg);
        await AssertAcceptedEverywhereAsync(refreshed.AccessToken!);
    }

    [Fact]
    public async Task AToken_SignedWithAnotherP256Key_UnderTheEdgesKeyId_IsRefusedEverywhere()
    {
        using var oauth = new OAuthTestClient(_stack.Edge.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("devices:read tasks:read", resource: _stack.Edge.Issuer, cancellationToken: Ct);
        var genuine = new JsonWebToken(token.AccessToken);
        using var foreign = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = genuine.Issuer,
            Audience = _stack.Edge.Issuer,
            TokenType = "at+jwt",
            Subject = new ClaimsIdentity(genuine.Claims.Where(c => c.Type is "sub" or "scope" or "jti" or "client_id")),
            IssuedAt = DateTime.UtcNow,
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(foreign) { KeyId = genuine.Kid }, SecurityAlgorithms.EcdsaSha256),
        });

        using var edge = await SendAsync(_stack.Edge.BaseUrl, HttpMethod.Get, "api/tasks", forged);
        Assert.Equal(HttpStatusCode.Unauthorized, edge.StatusCode);
        using var adapter = await ListToolsAsync(_stack.Adapter.BaseUrl, forged);
        Assert.Equal(HttpStatusCode.Unauthorized, adapter.StatusCode);
        using var devices = await SendAsync(_stack.Devices!.BaseUrl, HttpMethod.Get, "devices", forged);
        Assert.Equal(HttpStatusCode.Unauthorized, devices.StatusCode);
    }

    private async Task AssertAcceptedEverywhereAsync(string token)
    {
        using (var viaEdge = await SendAsync(_stack.Edge.BaseUrl, HttpMethod.Get, "api/tasks", token))
        {
            Assert.Equal(HttpStatusCode.OK, viaEdge.StatusCode);
        }

        // The adapter and the device edge, reached around the edge, validate the token themselves.
        using (var adapter = await ListToolsAsync(_stack.Adapter.BaseUrl, token))
        {
            Assert.Equal(HttpStatusCode.OK, adapter.StatusCode);
        }

        using (var mcpViaEdge = await ListToolsAsync(_stack.Edge.BaseUrl, token))
        {
            Assert.Equal(HttpStatusCode.OK, mcpViaEdge.StatusCode);
        }

        using var devices = await SendAsync(_stack.Devices!.BaseUrl, HttpMethod.Get, "devices", token);
        Assert.Equal(HttpStatusCode.OK, devices.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(Uri baseUrl, HttpMethod method, string path, string token)
    {
        using var http = new HttpClient { BaseAddress = baseUrl };
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request, Ct);
    }

    private static async Task<HttpResponseMessage> ListToolsAsync(Uri baseUrl, string token)
    {
        using var http = new HttpClient { BaseAddress = baseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "mcp")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request, Ct);
    }
}
