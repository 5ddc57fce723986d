using Facade.McpAdapter.Tests.Security;
using Facade.Testing;

namespace Facade.McpAdapter.Tests.Agents;

/// <summary>A device edge that is down hides only the announced skills; a channel call is an error result saying so.</summary>
public sealed class ChannelBackendDownTests
{
    private const string Path = "agents/research/mcp";

    [Fact]
    public async Task DeviceEdgeDown_ListsTheCatalogSkills_AndACallIsAnErrorResult()
    {
        await using var issuer = await TestIssuer.StartAsync();

        // A loopback port nothing listens on: the device edge is down.
        await using var adapter = McpAdapterHost.Start(McpAdapterHost.ReservePort(), issuer.BaseUrl, legacyApiUrl: null, new Dictionary<string, string?>
        {
            ["Adapter:Backends:agents"] = $"http://127.0.0.1:{McpAdapterHost.ReservePort()}/",
            ["Adapter:Revocations:ClientId"] = "facade-test-adapter",
            ["Adapter:Revocations:ClientSecret"] = "test-only-adapter-feed-secret",
            ["Adapter:AnnouncedSkillsCacheLifetime"] = "00:00:01",
        });
        var token = issuer.Token("carol", "agents:invoke");

        using var list = await McpHttp.PostAsync(adapter.BaseUrl, Path, token, McpHttp.ToolsList);
        var names = (await McpHttp.ReadResultAsync(list)).GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString());
        Assert.Equal(["web_search", "summarize"], names);

        using var response = await McpHttp.PostAsync(adapter.BaseUrl, Path, token,
            """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"web_search","arguments":{"query":"x"}}}""");
        var result = await McpHttp.ReadResultAsync(response);
        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.StartsWith("The agent channel backend is unavailable", result.GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }
}
