using System.Net;
using System.Text.Json;
using Facade.Testing;
using MQTTnet;
using static Facade.DeviceEdge.Tests.Agents.AgentTesting;

namespace Facade.DeviceEdge.Tests.Agents;

/// <summary>Calls answered by agent runtimes connected to the embedded broker (<c>agents/{id}/inbox</c> and <c>/outbox</c>).</summary>
public sealed class MqttChannelTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Call_IsAnsweredByTheMqttRuntime()
    {
        var agentId = NewAgentId();
        using var runtime = await StartRuntimeAsync(fixture.Host, agentId, RuntimeToken(fixture.Issuer, agentId), "web_search");
        using var caller = Caller(fixture);

        var call = CallAsync(caller, agentId, "web_search", """{"query":"broker"}""");
        var message = await ReceiveCallAsync(runtime);
        Assert.Equal("chat_message", message.Text("type"));
        Assert.Equal("broker", message.GetProperty("arguments").Text("query"));
        Assert.Equal("caller-user", message.GetProperty("caller").Text("sub"));
        await runtime.PublishAsync($"agents/{agentId}/outbox", Result(message.Text("id")!, """{"answer":42}"""), cancellationToken: Ct);

        var (status, json) = await call;
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(42, json.GetProperty("result").GetProperty("answer").GetInt32());
        var (_, skills) = await caller.SendJsonAsync(HttpMethod.Get, $"agents/{agentId}/skills");
        Assert.True(skills.GetProperty("online").GetBoolean());
        Assert.Equal("web_search", skills.GetProperty("skills")[0].Text("name"));
    }

    [Fact]
    public async Task FiftyConcurrentCalls_AnsweredInReverseOrder_OverMqtt()
    {
        var agentId = NewAgentId();
        using var runtime = await StartRuntimeAsync(fixture.Host, agentId, RuntimeToken(fixture.Issuer, agentId), "echo");
        using var caller = Caller(fixture);
        var calls = Enumerable.Range(0, 50).Select(i => CallAsync(caller, agentId, "echo", $$"""{"n":{{i}}}""")).ToList();

        var received = new List<JsonElement>();
        for (var i = 0; i < 50; i++)
        {
            received.Add(await ReceiveCallAsync(runtime));
        }

        foreach (var message in Enumerable.Reverse(received))
        {
            var n = message.GetProperty("arguments").GetProperty("n").GetInt32();
            await runtime.PublishAsync($"agents/{agentId}/outbox", Result(message.Text("id")!, $$"""{"n":{{n}}}"""), cancellationToken: Ct);
        }

        for (var i = 0; i < 50; i++)
        {
            var (status, json) = await calls[i];
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(i, json.GetProperty("result").GetProperty("n").GetInt32());
        }
    }

    [Fact]
    public async Task RuntimeDisconnectsMidCall_CallFailsAtOnce_With502()
    {
        var agentId = NewAgentId();
        var runtime = await StartRuntimeAsync(fixture.Host, agentId, RuntimeToken(fixture.Issuer, agentId), "summarize");
        using var caller = Caller(fixture);
        var call = CallAsync(caller, agentId, "summarize", timeoutSeconds: 120);
        await ReceiveCallAsync(runtime);

        runtime.Dispose(); // Drops the connection, like a crash.

        var (status, json) = await call.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("agent_runtime_lost", json.Text("error"));
        Assert.Contains("the agent's runtime disconnected", json.Text("error_description"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RuntimeRestartsMidCall_NewSkillsMessage_CallFailsAtOnce_With502()
    {
        var agentId = NewAgentId();
        using var runtime = await StartRuntimeAsync(fixture.Host, agentId, RuntimeToken(fixture.Issuer, agentId), "summarize");
        using var caller = Caller(fixture);
        var call = CallAsync(caller, agentId, "summarize", timeoutSeconds: 120);
        await ReceiveCallAsync(runtime);

        await runtime.PublishAsync($"agents/{agentId}/outbox", Skills("summarize"), cancellationToken: Ct);

        var (status, json) = await call.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("the agent's runtime restarted", json.Text("error_description"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallQueuedWhileNoRuntime_IsDeliveredWhenOneSubscribes()
    {
        var agentId = NewAgentId();
        using var caller = Caller(fixture);
        var call = CallAsync(caller, agentId, "summarize", """{"text":"later"}""");
        await EventuallyAsync(async () => (await caller.GetAsync($"agents/{agentId}/skills", Ct)).IsSuccessStatusCode, "the call is queued");

        using var runtime = await StartRuntimeAsync(fixture.Host, agentId, RuntimeToken(fixture.Issuer, agentId), "summarize");
        var message = await ReceiveCallAsync(runtime);
        await runtime.PublishAsync($"agents/{agentId}/outbox", Result(message.Text("id")!, "\"short\""), cancellationToken: Ct);

        var (status, json) = await call;
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("short", json.GetProperty("result").GetString());
    }

    [Fact]
    public async Task AnotherAgentsToken_IsRefused()
    {
        var agentId = NewAgentId();

        var (runtime, result) = await ConnectRuntimeAsync(fixture.Host, agentId, RuntimeToken(fixture.Issuer, NewAgentId()));
        runtime.Dispose();

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
    }

    [Theory]
    [InlineData("devices:read")]
    [InlineData("agents:invoke")]
    public async Task TokenWithoutServe_IsRefused(string scope)
    {
        var agentId = NewAgentId();

        var (runtime, result) = await ConnectRuntimeAsync(fixture.Host, agentId, RuntimeToken(fixture.Issuer, agentId, scope));
        runtime.Dispose();

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
    }

    [Fact]
    public async Task ForgedExpiredAndUnsignedTokens_AreRefused_AndNeverLogged()
    {
        var agentId = NewAgentId();
        var forged = RuntimeToken(fixture.Issuer, agentId) is var good ? good[..^10] + "AAAAAAAAAA" : null;
        var untrusted = TestTokens.AccessToken(fixture.Issuer.Issuer, Serve) with { Claims = new Dictionary<string, object> { ["agent_id"] = agentId } };
        var expired = RuntimeToken(fixture.Issuer, agentId, change: t => t with
        {
            IssuedAt = DateTimeOffset.UtcNow.AddHours(-2), NotBefore = DateTimeOffset.UtcNow.AddHours(-2), Expires = DateTimeOffset.UtcNow.AddHours(-1),
        });

        foreach (var token in new[] { forged!, untrusted.Sign(TestTokens.UntrustedRsaKey("test-issuer-key")), untrusted.Unsigned(), expired })
        {
            var (runtime, result) = await ConnectRuntimeAsync(fixture.Host, agentId, token);
            runtime.Dispose();
            Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
            Assert.DoesNotContain(token, fixture.Host.Logs.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task WrongClientId_IsRefused()
    {
        var agentId = NewAgentId();

        var (runtime, result) = await ConnectRuntimeAsync(fixture.Host, agentId, RuntimeToken(fixture.Issuer, agentId), clientId: "agent:" + NewAgentId());
        runtime.Dispose();

        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, result.ResultCode);
    }

    [Fact]
    public async Task Runtime_CannotSubscribeOrPublish_OnAnotherAgentsTopics()
    {
        var agentId = NewAgentId();
        var other = NewAgentId();
        var (runtime, result) = await ConnectRuntimeAsync(fixture.Host, agentId, RuntimeToken(fixture.Issuer, agentId), clientId: $"agent:{agentId}:worker-1");
        using (runtime)
        {
            Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
            foreach (var filter in new[] { $"agents/{other}/inbox", "agents/#", "agents/+/inbox", $"agents/{agentId}/outbox", "devices/#", "#" })
            {
                var subscribed = await runtime.SubscribeAsync(filter, Ct);
                Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, subscribed.Items.Single().ResultCode);
            }

            foreach (var topic in new[] { $"agents/{other}/outbox", $"agents/{agentId}/inbox", "devices/x/telemetry" })
            {
                var published = await runtime.PublishAsync(topic, Skills("x"), cancellationToken: Ct);
                Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, published.ReasonCode);
            }

            var retained = await runtime.PublishAsync($"agents/{agentId}/outbox", Skills("x"), retain: true, cancellationToken: Ct);
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, retained.ReasonCode);
        }
    }

    [Fact]
    public async Task Device_CannotSubscribeOrPublish_OnAgentTopics()
    {
        var device = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser());
        using var client = await fixture.ConnectAsync(device);
        var agentId = NewAgentId();

        foreach (var filter in new[] { "agents/#", $"agents/{agentId}/inbox", "agents/+/outbox" })
        {
            var subscribed = await client.SubscribeAsync(filter, Ct);
            Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, subscribed.Items.Single().ResultCode);
        }

        var published = await client.PublishAsync($"agents/{agentId}/outbox", Skills("x"), cancellationToken: Ct);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, published.ReasonCode);
    }

    [Fact]
    public async Task MalformedAndOversizedOutboxMessages_AreRefused_AndTheHubKeepsWorking()
    {
        var agentId = NewAgentId();
        using var runtime = await StartRuntimeAsync(fixture.Host, agentId, RuntimeToken(fixture.Issuer, agentId), "echo");
        using var caller = Caller(fixture);
        var call = CallAsync(caller, agentId, "echo");
        var message = await ReceiveCallAsync(runtime);

        foreach (var bad in new[] { "not json", "{}", """{"type":"agent_reply","id":"x"}""", """{"type":"skills","skills":[{"name":"a"},{"name":"a"}]}""" })
        {
            var refused = await runtime.PublishAsync($"agents/{agentId}/outbox", bad, cancellationToken: Ct);
            Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, refused.ReasonCode);
        }

        var oversized = await runtime.PublishAsync($"agents/{agentId}/outbox", Result(message.Text("id")!, "\"" + new string('x', 300 * 1024) + "\""), cancellationToken: Ct);
        Assert.Equal(MqttClientPublishReasonCode.QuotaExceeded, oversized.ReasonCode);
        Assert.True(runtime.IsConnected);

        await runtime.PublishAsync($"agents/{agentId}/outbox", Result(message.Text("id")!, "true"), cancellationToken: Ct);
        var (status, json) = await call;
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(json.GetProperty("result").GetBoolean());
    }

    [Fact]
    public async Task RuntimeWhoseTokenIsRevoked_IsDisconnected_AndItsCallsFail()
    {
        var agentId = NewAgentId();
        var token = RuntimeToken(fixture.Issuer, agentId);
        using var runtime = await StartRuntimeAsync(fixture.Host, agentId, token, "summarize");
        using var caller = Caller(fixture);
        var call = CallAsync(caller, agentId, "summarize", timeoutSeconds: 120);
        await ReceiveCallAsync(runtime);

        fixture.Issuer.Revoke(token);

        await runtime.Disconnected.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var (status, _) = await call.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(HttpStatusCode.BadGateway, status);
        var (again, result) = await ConnectRuntimeAsync(fixture.Host, agentId, token);
        again.Dispose();
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
    }

    [Fact]
    public async Task TwoRuntimesOfOneAgent_ACallFailsOnlyWhenBothAreGone()
    {
        var agentId = NewAgentId();
        var token = RuntimeToken(fixture.Issuer, agentId);
        var first = await StartRuntimeAsync(fixture.Host, agentId, token, "echo");
        var (second, result) = await ConnectRuntimeAsync(fixture.Host, agentId, token, clientId: $"agent:{agentId}:2");
        using (second)
        {
            Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
            await second.SubscribeAsync($"agents/{agentId}/inbox", Ct);
            using var caller = Caller(fixture);
            var call = CallAsync(caller, agentId, "echo", timeoutSeconds: 120);
            await ReceiveCallAsync(first);
            var message = await ReceiveCallAsync(second);

            first.Dispose();
            await Task.Yield();
            await second.PublishAsync($"agents/{agentId}/outbox", Result(message.Text("id")!, "\"from second\""), cancellationToken: Ct);

            var (status, json) = await call;
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("from second", json.GetProperty("result").GetString());
        }
    }
}
