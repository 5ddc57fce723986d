using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Facade.Proxy.Tests.Security;

namespace Facade.Proxy.Tests.ApiKeys;

/// <summary>
/// <c>POST/GET /account/keys</c>, <c>DELETE /account/keys/{id}</c>: a bearer token with keys:write manages its user's
/// keys; the key is shown once; scopes never exceed the asking token's; strict JSON with documented errors.
/// </summary>
public sealed class ApiKeyRestTests(ApiKeyFixture fixture) : IClassFixture<ApiKeyFixture>
{
    [Fact]
    public async Task Create_ShowsTheKeyOnce_ListNeverShowsIt()
    {
        var ct = TestContext.Current.CancellationToken;
        var token = await fixture.CreatorTokenAsync();

        using var created = await fixture.PostKeyAsync(token, new { label = "ci job", scopes = new[] { "tasks:read" }, expiresAt = DateTimeOffset.UtcNow.AddDays(30) });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(created.Headers.CacheControl?.NoStore);
        var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync(ct)).RootElement;
        var id = json.GetProperty("id").GetString()!;
        var key = json.GetProperty("key").GetString()!;
        Assert.Matches("^key_[a-z2-7]{26}$", id);
        Assert.Matches("^fk_u_[A-Za-z0-9_-]{43}$", key);
        Assert.Equal("ci job", json.GetProperty("label").GetString());
        Assert.Equal(["tasks:read"], json.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("agentId").ValueKind);
        Assert.True(json.TryGetProperty("createdAt", out _));
        Assert.NotEqual(JsonValueKind.Null, json.GetProperty("expiresAt").ValueKind);

        var (used, _) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", key);
        used.Dispose();

        // The last use is written off the request path (proxy/ApiKeys/ApiKeyAuthenticator.cs): list until it lands.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        JsonElement listed;
        do
        {
            using var list = await SendAsync(HttpMethod.Get, "account/keys", token);
            var text = await list.Content.ReadAsStringAsync(ct);
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            SecurityAssert.NoLeak(text, key, key["fk_u_".Length..]);
            listed = JsonDocument.Parse(text).RootElement.EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);
            if (listed.GetProperty("lastUsedAt").ValueKind == JsonValueKind.Null)
            {
                await Task.Delay(50, ct);
            }
        }
        while (listed.GetProperty("lastUsedAt").ValueKind == JsonValueKind.Null && DateTime.UtcNow < deadline);

        Assert.Equal("ci job", listed.GetProperty("label").GetString());
        Assert.False(listed.TryGetProperty("key", out _));
        Assert.False(listed.TryGetProperty("hash", out _));
        Assert.NotEqual(JsonValueKind.Null, listed.GetProperty("lastUsedAt").ValueKind);
    }

    [Fact]
    public async Task Create_AgentKey_HasTheAgentPrefix()
    {
        var (_, key) = await fixture.CreateKeyAsync("agents:invoke", agentId: "research");

        Assert.Matches("^fk_a_[A-Za-z0-9_-]{43}$", key);
    }

    [Theory]
    [InlineData("tasks:write", "tasks:write")]
    [InlineData("tasks:read devices:read", "devices:read")]
    [InlineData("agents:serve", "agents:serve")]
    [InlineData("realtime:feed", "realtime:feed")]
    [InlineData("nonsense:scope", "nonsense:scope")]
    public async Task Create_BeyondTheTokensScopes_Is400InvalidScope_NamingThem(string scopes, string named)
    {
        var token = await fixture.CreatorTokenAsync();

        using var response = await fixture.PostKeyAsync(token, new { label = "x", scopes = scopes.Split(' '), agentId = "research" });

        var error = await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.BadRequest, "invalid_scope");
        Assert.Contains(named, error.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task Create_KeysWriteOnAKey_OnlyWhenTheTokenHasIt()
    {
        var (_, key) = await fixture.CreateKeyAsync("tasks:read keys:write");
        var withoutKeysWrite = await fixture.SharedAccessTokenAsync("tasks:read");

        using var refused = await fixture.PostKeyAsync(withoutKeysWrite, new { label = "x", scopes = new[] { "tasks:read" } });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("insufficient_scope", refused.Headers.WwwAuthenticate.ToString());

        // A user key holding keys:write may itself make keys (never beyond its own scopes).
        using var byKey = await fixture.PostKeyAsync(key, new { label = "by key", scopes = new[] { "tasks:read" } });
        Assert.Equal(HttpStatusCode.Created, byKey.StatusCode);
    }

    [Fact]
    public async Task Delete_AnotherUsersKey_OrUnknown_Is404_AndTheKeyKeepsWorking()
    {
        var otherUser = "rest-other";
        var output = new StringWriter();
        Assert.Equal(0, await Facade.Proxy.Admin.AdminCommands.RunAsync(["users", "add", otherUser, "--password-stdin", "--environment=Development",
            $"--Facade:DataDirectory={fixture.Host.DataDirectory}"], new StringReader("correct horse battery staple\n"), output));
        var (otherId, otherKey) = await fixture.CreateOperatorKeyAsync(otherUser, "tasks:read");
        var token = await fixture.CreatorTokenAsync();

        using var other = await SendAsync(HttpMethod.Delete, "account/keys/" + otherId, token);
        using var unknown = await SendAsync(HttpMethod.Delete, "account/keys/key_doesnotexist", token);

        await SecurityAssert.JsonErrorAsync(other, HttpStatusCode.NotFound, "not_found");
        await SecurityAssert.JsonErrorAsync(unknown, HttpStatusCode.NotFound, "not_found");
        var (still, _) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", otherKey);
        using (still)
        {
            Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        }
    }

    [Fact]
    public async Task Delete_Twice_Is204Then404()
    {
        var (id, _) = await fixture.CreateKeyAsync("tasks:read");
        var token = await fixture.CreatorTokenAsync();

        using var first = await SendAsync(HttpMethod.Delete, "account/keys/" + id, token);
        using var second = await SendAsync(HttpMethod.Delete, "account/keys/" + id, token);

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
    }

    public static TheoryData<string, string, string?, HttpStatusCode> BadBodies => new()
    {
        { "malformed", "{\"label\":", "application/json", HttpStatusCode.BadRequest },
        { "unknown member", "{\"label\":\"x\",\"scopes\":[\"tasks:read\"],\"admin\":true}", "application/json", HttpStatusCode.BadRequest },
        { "no scopes", "{\"label\":\"x\"}", "application/json", HttpStatusCode.BadRequest },
        { "scopes not an array", "{\"label\":\"x\",\"scopes\":\"tasks:read\"}", "application/json", HttpStatusCode.BadRequest },
        { "null body", "null", "application/json", HttpStatusCode.BadRequest },
        { "bad agent id", "{\"scopes\":[\"tasks:read\"],\"agentId\":\"../etc\"}", "application/json", HttpStatusCode.BadRequest },
        { "past expiry", "{\"scopes\":[\"tasks:read\"],\"expiresAt\":\"2001-01-01T00:00:00Z\"}", "application/json", HttpStatusCode.BadRequest },
        { "form", "label=x&scopes=tasks:read", "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType },
        { "no content type", "{\"scopes\":[\"tasks:read\"]}", null, HttpStatusCode.UnsupportedMediaType },
        { "oversized", "{\"label\":\"" + new string('x', 20_000) + "\",\"scopes\":[\"tasks:read\"]}", "application/json", HttpStatusCode.RequestEntityTooLarge },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Create_BadBody_IsAJsonError(string @case, string body, string? contentType, HttpStatusCode status)
    {
        var token = await fixture.CreatorTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "account/keys") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = contentType is null ? null : new MediaTypeHeaderValue(contentType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await fixture.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.True(response.StatusCode == status, $"{@case}: {(int)response.StatusCode}");
        await SecurityAssert.JsonErrorAsync(response, status, "invalid_request", token);
    }

    [Theory]
    [InlineData("GET", "account/keys")]
    [InlineData("POST", "account/keys")]
    [InlineData("DELETE", "account/keys/key_x")]
    public async Task WithoutToken_Is401WithBearerChallenge(string method, string path)
    {
        var (response, _) = await fixture.SendAsync(new HttpMethod(method), path, authorization: null);
        using (response)
        {
            await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
            Assert.Contains("resource_metadata", response.Headers.WwwAuthenticate.ToString());
        }
    }

    [Fact]
    public async Task AgentKey_CannotManageKeys()
    {
        var (_, key) = await fixture.CreateKeyAsync("agents:invoke", agentId: "research");

        var (response, _) = await fixture.SendAsync(HttpMethod.Get, "account/keys", authorization: null, [new("X-Agent-API-Key", key)]);

        using (response)
        {
            await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.Forbidden, "forbidden", key);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await fixture.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
