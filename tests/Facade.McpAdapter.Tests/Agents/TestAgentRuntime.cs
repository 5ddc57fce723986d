using System.Text.Json;
using Facade.Common.Tokens;
using Facade.Testing;
using MQTTnet;

namespace Facade.McpAdapter.Tests.Agents;

/// <summary>
/// A real agent runtime as a test drives it: an MQTT client on the device edge's broker (README.md, "Agent channel",
/// "Runtimes over MQTT"), reading each <c>chat_message</c> the device edge publishes and answering, failing, re-announcing
/// or disconnecting when the test says so. Disposing it disconnects and waits until the device edge has let it go, so
/// the next test's calls reach only the next runtime.
/// </summary>
internal sealed class TestAgentRuntime : IAsyncDisposable
{
    private readonly ChannelEndToEndFixture _fixture;
    private readonly TestDevice _client;
    private bool _crashed;

    private TestAgentRuntime(ChannelEndToEndFixture fixture, TestDevice client, string agentId)
    {
        _fixture = fixture;
        _client = client;
        AgentId = agentId;
    }

    public string AgentId { get; }

    public static async Task<TestAgentRuntime> ConnectAsync(ChannelEndToEndFixture fixture, string agentId, string skills)
    {
        var ct = TestContext.Current.CancellationToken;
        var token = fixture.Issuer.Token("owner-" + agentId, "agents:serve",
            t => t with { Claims = new Dictionary<string, object> { [FacadeClaims.AgentId] = agentId } });
        var (client, connected) = await TestDevice.ConnectAsync(fixture.Devices.MqttPort, "agent:" + agentId, token,
            clientId: $"agent:{agentId}:{Guid.NewGuid():N}", cancellationToken: ct);
        try
        {
            Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
            var subscribed = await client.SubscribeAsync($"agents/{agentId}/inbox", ct);
            Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, subscribed.Items.Single().ResultCode);
            var runtime = new TestAgentRuntime(fixture, client, agentId);
            var announced = await runtime.AnnounceAsync(skills);
            Assert.True(announced.IsSuccess, announced.ReasonCode + " " + announced.ReasonString);
            return runtime;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>The next <c>chat_message</c> the device edge handed this runtime (waits up to 30 s).</summary>
    public async Task<JsonElement> ReceiveCallAsync()
    {
        var message = await _client.ReceiveAsync(TestContext.Current.CancellationToken);
        Assert.Equal($"agents/{AgentId}/inbox", message.Topic);
        var call = JsonDocument.Parse(message.Payload).RootElement.Clone();
        Assert.Equal("chat_message", call.GetProperty("type").GetString());
        return call;
    }

    public Task ReplyAsync(JsonElement call, string resultJson) =>
        PublishAsync($$"""{"type":"agent_reply","id":"{{call.GetProperty("id").GetString()}}","result":{{resultJson}}}""");

    public Task FailAsync(JsonElement call, string error) =>
        PublishAsync(JsonSerializer.Serialize(new { type = "agent_reply", id = call.GetProperty("id").GetString(), error }));

    /// <summary>
    /// A <c>skills</c> message (<paramref name="skills"/> a JSON array). The broker's PUBACK comes after the device edge
    /// read it: once this returns, the device edge lists these skills, or refused them (the reason code says which).
    /// </summary>
    public Task<MqttClientPublishResult> AnnounceAsync(string skills) =>
        _client.PublishAsync($"agents/{AgentId}/outbox", $$"""{"type":"skills","skills":{{skills}}}""",
            cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>Drops the connection without a DISCONNECT packet, like a crashed runtime.</summary>
    public void Crash()
    {
        _crashed = true;
        _client.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_crashed && _client.IsConnected)
        {
            await _client.DisconnectAsync(TestContext.Current.CancellationToken);
        }

        _client.Dispose();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await _fixture.SkillsAsync(AgentId)).GetProperty("online").GetBoolean())
        {
            Assert.True(DateTime.UtcNow < deadline, $"The device edge still counts a runtime of '{AgentId}' online.");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    private async Task PublishAsync(string message)
    {
        var published = await _client.PublishAsync($"agents/{AgentId}/outbox", message, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(published.IsSuccess, published.ReasonCode + " " + published.ReasonString);
    }
}
