using Facade.McpAdapter.Backend;

namespace Facade.McpAdapter.Tests.Catalog;

/// <summary>
/// The <c>channel</c> call kind (README.md, "Agent channel"): a tool answered by an agent's runtime through the device edge.
/// A valid one becomes <c>POST {agents}/agents/{id}/calls</c>; every mistake stops the start with one message naming the entry.
/// </summary>
public sealed class ChannelCatalogTests : IDisposable
{
    private readonly CatalogTestFiles _files = new();

    private const string AgentsBackend = """ "agents": { "baseUrl": "http://127.0.0.1:5020", "timeoutSeconds": 45 } """;

    private const string Schema = """{ "type": "object", "properties": { "query": { "type": "string" } }, "required": ["query"] }""";

    public static TheoryData<string, string, string> Cases => new()
    {
        { "unknown agent", Catalog(Skill(call: """{ "channel": "ghost", "timeoutSeconds": 30 }""")), "agents.research.ownTools[0] 'web_search': call.channel 'ghost' is not an agent of this catalog (known: research)" },
        { "timeout not below the backend's", Catalog(Skill(call: """{ "channel": "research", "timeoutSeconds": 45 }""")), "agents.research.ownTools[0] 'web_search': call.timeoutSeconds (45) must be below the timeout of backend 'agents' (45)" },
        { "backend without timeout", Catalog(Skill(), backends: """ "agents": "http://127.0.0.1:5020" """), "agents.research.ownTools[0] 'web_search': call.timeoutSeconds (30) must be below the timeout of backend 'agents' (not set)" },
        { "no agents backend", Catalog(Skill(call: """{ "channel": "research" }"""), backends: """ "legacy": { "baseUrl": "http://127.0.0.1:5030", "timeoutSeconds": 45 } """), "agents.research.ownTools[0] 'web_search': call.backend: a channel call needs the device edge as backend 'agents' in backends" },
        { "unknown named backend", Catalog(Skill(call: """{ "channel": "research", "backend": "edge" }""")), "agents.research.ownTools[0] 'web_search': call.backend 'edge' is not a known backend (known: agents)" },
        { "channel with a path", Catalog(Skill(call: """{ "channel": "research", "path": "/x" }""")), "agents.research.ownTools[0] 'web_search': call.path is not used by a channel call" },
        { "timeout on an HTTP call", Catalog(Skill(call: """{ "backend": "agents", "method": "GET", "path": "/x", "timeoutSeconds": 5 }""")), "agents.research.ownTools[0] 'web_search': call.timeoutSeconds is only used by a channel call" },
        { "timeout out of range", Catalog(Skill(call: """{ "channel": "research", "timeoutSeconds": 121 }""")), "agents.research.ownTools[0] 'web_search': call.timeoutSeconds" },
        { "bad agent id", Catalog(Skill(call: """{ "channel": "re search" }""")), "agents.research.ownTools[0] 'web_search': call.channel 're search' is not a valid agent id" },
        {
            "resource on a channel",
            Catalog(Skill(), extra: """, "resources": [ { "uri": "facade://r", "name": "r", "scopes": [], "call": { "channel": "research" } } ]"""),
            "resources[0] 'r': call.channel: only tools can be answered by an agent's channel, not resources"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void InvalidChannelCall_IsRejected_WithOneMessageNamingTheEntry(string rule, string json, string expected)
    {
        var errors = _files.Errors(json);
        var error = Assert.Single(errors);
        Assert.True(error.Contains(expected, StringComparison.Ordinal), $"{rule}: expected '{expected}' in '{error}'");
    }

    [Fact]
    public void ChannelCall_BecomesAPostToTheAgentsCalls_OnTheAgentsBackend()
    {
        var catalog = _files.Parse(Catalog(Skill(call: """{ "channel": "research", "timeoutSeconds": 20 }""")));

        Assert.True(catalog.TryGetAgent("research", out var agent));
        Assert.True(agent.View.TryGetTool("web_search", out var tool));
        Assert.Equal(HttpMethod.Post, tool.Call.Method);
        Assert.Equal("agents", tool.Call.Backend.Name);
        Assert.Equal("/agents/research/calls", tool.Call.Path.Text);
        Assert.Equal(new ChannelTarget("research", "web_search", 20), tool.Call.Channel);

        // The agent answers on its own channel: its server also lists what its runtime announces, through the same backend.
        Assert.NotNull(agent.View.AnnouncedSkills);
        Assert.Equal(("research", "agents", 20), (agent.View.AnnouncedSkills.AgentId, agent.View.AnnouncedSkills.Backend.Name, agent.View.AnnouncedSkills.TimeoutSeconds));
    }

    [Fact]
    public void AnnouncedSkills_CanBeTurnedOff_AndOn_ForAnAgentWithoutChannelTools()
    {
        var catalog = _files.Parse($$"""
            { "backends": { {{AgentsBackend}} },
              "agents": {
                "quiet": { "description": "d", "ownTools": [ {{Skill(call: """{ "channel": "quiet" }""")}} ], "announcedSkills": false, "allowedUsers": ["*"] },
                "open": { "description": "d", "announcedSkills": true, "allowedUsers": ["*"] } } }
            """);

        Assert.Null(catalog.Agents["quiet"].View.AnnouncedSkills);
        Assert.Equal(30, catalog.Agents["open"].View.AnnouncedSkills?.TimeoutSeconds);
    }

    [Fact]
    public void ShippedCatalog_ResearchAgent_HasItsTwoChannelSkills_ForEveryUser()
    {
        var catalog = CatalogTestFiles.LoadShipped();

        Assert.True(catalog.TryGetAgent("research", out var research));
        Assert.Equal(["web_search", "summarize"], research.View.Tools.Select(t => t.Name));
        Assert.All(research.View.Tools, t =>
        {
            Assert.Equal(["agents:invoke"], t.Scopes);
            Assert.Equal(new ChannelTarget("research", t.Name, 30), t.Call.Channel);
            Assert.True(t.Call.Backend.Timeout > TimeSpan.FromSeconds(30));
        });
        Assert.True(research.AllowsUser("anyone"));
        Assert.DoesNotContain(catalog.Default.Tools, t => t.Call.Channel is not null);
    }

    public void Dispose() => _files.Dispose();

    private static string Skill(string name = "web_search", string call = """{ "channel": "research", "backend": "agents", "timeoutSeconds": 30 }""") => $$"""
        { "name": "{{name}}", "description": "A skill.", "inputSchema": {{Schema}}, "scopes": ["agents:invoke"], "call": {{call}} }
        """;

    private static string Catalog(string ownTools, string backends = AgentsBackend, string extra = "") => $$"""
        { "backends": { {{backends}} }, "agents": { "research": { "description": "d", "ownTools": [ {{ownTools}} ], "allowedUsers": ["*"] } } {{extra}} }
        """;
}
