using System.Text.Json;
using Facade.McpAdapter.Tests.Security;
using Facade.Testing;

namespace Facade.McpAdapter.Tests.Agents;

/// <summary>
/// Announced skills are fetched with the caller's token and reused per agent AND user: another user's request asks the
/// device edge again with that user's token. A device edge that is down hides only the announced skills.
/// </summary>
public sealed class AnnouncedSkillsCacheTests
{
    private const string Path = "agents/research/mcp";

    [Fact]
    public async Task Skills_AreCachedPerUser_NeverServedFromAnotherUsersFetch()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var edge = await ChannelContractStandIn.StartAsync();
        edge.Skills = """{"version":1,"online":true,"skills":[{"name":"translate","inputSchema":{"type":"object"},"scopes":["agents:invoke"]}]}""";
        await using var adapter = Start(issuer, edge.Url, "00:01:00");
        var alice = issuer.Token("alice", "agents:invoke");
        var bob = issuer.Token("bob", "agents:invoke");

        Assert.Contains("translate", await ListAsync(adapter, alice));
        Assert.Contains("translate", await ListAsync(adapter, alice));
        Assert.Contains("translate", await ListAsync(adapter, bob));

        Assert.Equal(["Bearer " + alice, "Bearer " + bob], edge.SkillRequests);
    }

    [Fact]
    public async Task DeviceEdgeDown_ListsTheCatalogSkills_AndACallIsAnErrorResult()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var adapter = Start(issuer, new Uri($"http://127.0.0.1:{McpAdapterHost.ReservePort()}/"), "00:00:01");
        var token = issuer.Token("carol", "agents:invoke");

        Assert.Equal(["web_search", "summarize"], await ListAsync(adapter, token));

        using var response = await McpHttp.PostAsync(adapter.BaseUrl, Path, token,
            """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"web_search","arguments":{"query":"x"}}}""");
        var result = await McpHttp.ReadResultAsync(response);
        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.StartsWith("The agent channel backend is unavailable", result.GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    private static McpAdapterHost Start(TestIssuer issuer, Uri agents, string cacheLifetime) =>
        McpAdapterHost.Start(McpAdapterHost.ReservePort(), issuer.BaseUrl, legacyApiUrl: null, new Dictionary<string, string?>
        {
            ["Adapter:Backends:agents"] = agents.AbsoluteUri,
            ["Adapter:Revocations:ClientId"] = "facade-test-adapter",
            ["Adapter:Revocations:ClientSecret"] = "test-only-adapter-feed-secret",
            ["Adapter:AnnouncedSkillsCacheLifetime"] = cacheLifetime,
        });

    private static async Task<List<string?>> ListAsync(McpAdapterHost adapter, string token)
    {
        using var response = await McpHttp.PostAsync(adapter.BaseUrl, Path, token, McpHttp.ToolsList);
        return [.. (await McpHttp.ReadResultAsync(response)).GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString())];
    }
}
