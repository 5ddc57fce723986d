using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Facade.Proxy.ApiKeys;
using Facade.Proxy.Data;
using Facade.Proxy.Tests.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.Proxy.Tests.ApiKeys;

/// <summary>
/// An edge whose legacy and MCP adapter clusters both point at the recording legacy mock, so tests see exactly what
/// reached a backend on REST and on <c>/agents/{id}/mcp</c>; plus a resource server client to read the revocation feed.
/// </summary>
public sealed class ApiKeyFixture : EdgeFixture
{
    public const string ResourceServer = "keys-resource-server";
    public const string ResourceServerSecret = "keys-resource-server-secret-0123";

    /// <summary>What the REST tests' creating token holds.</summary>
    public const string CreatorScopes = "tasks:read organizations:read agents:invoke keys:write";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ReverseProxy:Clusters:mcp-adapter:Destinations:primary:Address"] = Legacy.Url,
        ["Facade:Clients:keys-rs:ClientId"] = ResourceServer,
        ["Facade:Clients:keys-rs:ClientSecret"] = ResourceServerSecret,
        ["Facade:Clients:keys-rs:Introspection"] = "true",
    };

    internal ApiKeyStore Store => Host.Services.GetRequiredService<ApiKeyStore>();

    /// <summary>A token of the demo user that may create keys (<see cref="CreatorScopes"/>).</summary>
    public Task<string> CreatorTokenAsync() => SharedAccessTokenAsync(CreatorScopes);

    /// <summary><c>POST /account/keys</c> with <paramref name="token"/>; the raw response.</summary>
    public async Task<HttpResponseMessage> PostKeyAsync(string token, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "account/keys") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>A new key of the demo user over REST: its id and the key.</summary>
    public async Task<(string Id, string Key)> CreateKeyAsync(string scopes, string? agentId = null)
    {
        var token = await CreatorTokenAsync();
        using var response = await PostKeyAsync(token, new { label = "test", scopes = scopes.Split(' '), agentId });
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var json = JsonDocument.Parse(text).RootElement;
        return (json.GetProperty("id").GetString()!, json.GetProperty("key").GetString()!);
    }

    /// <summary>A key made the way the admin command line makes them (operator grant: agents:serve allowed on agent keys).</summary>
    public async Task<(string Id, string Key)> CreateOperatorKeyAsync(string userName, string scopes, string? agentId = null)
    {
        var owner = await FindUserAsync(userName);
        var (created, key, refusal) = await Store.CreateAsync(new NewApiKey(owner, "operator", scopes.Split(' '), agentId, null, OperatorGrant: true),
            TestContext.Current.CancellationToken);
        Assert.Null(refusal);
        return (created!.Id, key!);
    }

    /// <summary>A key whose row says it expired (made directly in the database: the store refuses a past expiry).</summary>
    public async Task<string> CreateExpiredKeyAsync(string scopes)
    {
        var owner = await FindUserAsync("demo");
        var key = Host.Services.GetRequiredService<ApiKeyFormat>().NewKey(ApiKeyKind.User);
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacadeDbContext>();
        db.ApiKeys.Add(new ApiKey
        {
            Id = ApiKeyFormat.NewId(),
            UserId = owner.Id,
            Scopes = scopes,
            Hash = Host.Services.GetRequiredService<ApiKeyHasher>().Hash(key),
            CreatedAt = DateTimeOffset.UtcNow.AddDays(-2),
            ExpiresAt = DateTimeOffset.UtcNow.AddDays(-1),
        });
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return key;
    }

    public async Task<FacadeUser> FindUserAsync(string userName)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<FacadeUser>>().FindByNameAsync(userName)
            ?? throw new InvalidOperationException($"No user '{userName}'.");
    }

    /// <summary>The access token the backend received for a probe (its Authorization header's bearer value).</summary>
    public string ForwardedToken(string probe)
    {
        var received = BackendRequest(probe);
        Assert.NotNull(received);
        var authorization = received.Header("Authorization");
        Assert.NotNull(authorization);
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        return authorization["Bearer ".Length..];
    }

    /// <summary>Every jti in the revocation feed so far.</summary>
    public async Task<IReadOnlyList<string>> RevokedJtisAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "oauth/revocations?limit=1000");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ResourceServer}:{ResourceServerSecret}")));
        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return [.. JsonDocument.Parse(text).RootElement.GetProperty("revocations").EnumerateArray().Select(r => r.GetProperty("jti").GetString()!)];
    }
}
