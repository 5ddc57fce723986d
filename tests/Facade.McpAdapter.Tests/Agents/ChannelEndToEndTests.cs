using System.Buffers;
using System.Text.Json;
using Facade.McpAdapter.Tests.Security;
using Facade.Testing;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Facade.McpAdapter.Tests.Agents;

/// <summary>The real device edge and adapter, one <see cref="TestIssuer"/>, and an agent runtime on the broker.</summary>
public sealed class ChannelEndToEndFixture : IAsyncLifetime
{
    internal TestIssuer Issuer { get; private set; } = null!;

    internal DeviceEdgeHost Devices { get; private set; } = null!;

    internal McpAdapterHost Adapter { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Issuer = await TestIssuer.StartAsync();
        Devices = DeviceEdgeHost.Start(Issuer.BaseUrl);
        Adapter = McpAdapterHost.Start(McpAdapterHost.ReservePort(), Issuer.BaseUrl, legacyApiUrl: null, new Dictionary<string, string?>
        {
            ["Adapter:Backends:agents"] = Devices.BaseUrl.AbsoluteUri,
            ["Adapter:Revocations:ClientId"] = "facade-test-adapter",
            ["Adapter:Revocations:ClientSecret"] = "test-only-adapter-feed-secret",
            ["Adapter:AnnouncedSkillsCacheLifetime"] = "00:00:00",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Adapter.DisposeAsync();
        await Devices.DisposeAsync();
        await Issuer.DisposeAsync();
    }

    /// <summary>
    /// A runtime of the agent <c>research</c>: connects with a token carrying <c>agent_id</c> and <c>agents:serve</c>,
    /// announces <paramref name="skills"/> and answers every call with <c>{"result": {"tool", "arguments"}}</c>.
    /// </summary>
    internal async Task<IMqttClient> ConnectRuntimeAsync(string skills)
    {
        var ct = TestContext.Current.CancellationToken;
        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += async e =>
        {
            using var call = JsonDocument.Parse(e.ApplicationMessage.Payload.ToArray());
            var reply = JsonSerializer.Serialize(new
            {
                type = "agent_reply",
                id = call.RootElement.GetProperty("id").GetString(),
                result = new { tool = call.RootElement.GetProperty("tool").GetString(), arguments = call.RootElement.GetProperty("arguments") },
            });
            await client.PublishStringAsync("agents/research/outbox", reply, MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken: ct);
        };
        var token = Issuer.Token("runtime-owner", "agents:serve", t => t with { Claims = new Dictionary<string, object> { ["agent_id"] = "research" } });
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", Devices.MqttPort)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId("agent:research:e2e")
            .WithCredentials("agent:research", token)
            .Build(), ct);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        await client.SubscribeAsync("agents/research/inbox", MqttQualityOfServiceLevel.AtLeastOnce, ct);
        await client.PublishStringAsync("agents/research/outbox", $$"""{"type":"skills","skills":{{skills}}}""", MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken: ct);
        return client;
    }
}

public sealed class ChannelEndToEndTests(ChannelEndToEndFixture fixture) : IClassFixture<ChannelEndToEndFixture>
{
    private const string Path = "agents/research/mcp";

    [Fact]
    public async Task ChannelCall_ThroughTheDeviceEdge_IsAnsweredByTheRuntime_AndAnnouncedSkillsAreListed()
    {
        using var runtime = await fixture.ConnectRuntimeAsync("""[{"name":"translate","description":"Translate.","inputSchema":{"type":"object"},"scopes":["agents:invoke"]}]""");
        var token = fixture.Issuer.Token("user-" + Guid.NewGuid().ToString("N"), "agents:invoke");

        using var call = await McpHttp.PostAsync(fixture.Adapter.BaseUrl, Path, token,
            """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"web_search","arguments":{"query":"mqtt","limit":2}}}""");
        var result = await McpHttp.ReadResultAsync(call);
        Assert.False(result.TryGetProperty("isError", out var isError) && isError.GetBoolean(), result.ToString());
        Assert.Equal("web_search", result.GetProperty("structuredContent").GetProperty("tool").GetString());
        Assert.Equal("mqtt", result.GetProperty("structuredContent").GetProperty("arguments").GetProperty("query").GetString());

        // The skills message may be processed after the connect returns: look until it is listed.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<string?> names;
        do
        {
            using var list = await McpHttp.PostAsync(fixture.Adapter.BaseUrl, Path, token, McpHttp.ToolsList);
            names = [.. (await McpHttp.ReadResultAsync(list)).GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString())];
        }
        while (!names.Contains("translate") && DateTime.UtcNow < deadline);

        Assert.Equal(["web_search", "summarize", "translate"], names);
        using var translate = await McpHttp.PostAsync(fixture.Adapter.BaseUrl, Path, token,
            """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"translate","arguments":{"text":"hello"}}}""");
        Assert.Equal("translate", (await McpHttp.ReadResultAsync(translate)).GetProperty("structuredContent").GetProperty("tool").GetString());
        await runtime.DisconnectAsync(cancellationToken: TestContext.Current.CancellationToken);
    }
}
