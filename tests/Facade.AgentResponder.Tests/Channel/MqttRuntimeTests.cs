using System.Net;
using System.Text.Json;

namespace Facade.AgentResponder.Tests.Channel;

/// <summary>
/// The responder against a real MQTT broker (README.md, "Agent channel"): it connects as <c>agent:{id}</c> with its key,
/// announces its skills on every connect, answers every <c>chat_message</c> of its inbox on its outbox (matched by
/// id, many at once), and comes back after the broker drops it. The key never shows in its logs.
/// </summary>
public sealed class MqttRuntimeTests
{
    private const string Key = "fk_a_test-only-agent-key-0123456789abcdefghijklmnopq";
    private const string Inbox = "agents/research/inbox";
    private const string Outbox = "agents/research/outbox";

    [Fact]
    public async Task Connects_AsTheAgent_WithItsKey_AndAnnouncesItsSkills()
    {
        await using var broker = await TestBroker.StartAsync("research", Key);
        await using var responder = ResponderHost.Start(broker.Port, Key);

        var (topic, skills) = await broker.NextAsync();

        Assert.Equal(Outbox, topic);
        Assert.Equal("skills", skills.GetProperty("type").GetString());
        Assert.Equal(["web_search", "summarize"], skills.GetProperty("skills").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.All(skills.GetProperty("skills").EnumerateArray(), s => Assert.Equal("object", s.GetProperty("inputSchema").GetProperty("type").GetString()));
        var (user, password, client) = Assert.Single(broker.Connections);
        Assert.Equal(("agent:research", Key), (user, password));
        Assert.StartsWith("agent:research:", client, StringComparison.Ordinal);

        using var http = new HttpClient { BaseAddress = responder.HealthUrl };
        using var health = await http.GetAsync("healthz", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.DoesNotContain(Key, responder.Logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnswersManyCallsAtOnce_EachByItsId_AndAnUnknownToolWithAnError()
    {
        await using var broker = await TestBroker.StartAsync("research", Key);
        await using var responder = ResponderHost.Start(broker.Port, Key, new Dictionary<string, string?> { ["Responder:DelayMs"] = "100" });
        await broker.NextAsync();

        const int calls = 20;
        for (var i = 0; i < calls; i++)
        {
            await broker.SendAsync(Inbox, Chat($"call-{i}", "web_search", $$"""{"query":"q{{i}}","limit":2}"""));
        }

        await broker.SendAsync(Inbox, Chat("call-unknown", "translate", "{}"));
        var replies = new Dictionary<string, JsonElement>();
        for (var i = 0; i <= calls; i++)
        {
            var (topic, reply) = await broker.NextAsync();
            Assert.Equal(Outbox, topic);
            Assert.Equal("agent_reply", reply.GetProperty("type").GetString());
            replies.Add(reply.GetProperty("id").GetString()!, reply);
        }

        for (var i = 0; i < calls; i++)
        {
            var results = replies[$"call-{i}"].GetProperty("result").GetProperty("results");
            Assert.Equal(2, results.GetArrayLength());
            Assert.StartsWith($"q{i} ", results[0].GetProperty("title").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal("unknown tool 'translate'", replies["call-unknown"].GetProperty("error").GetString());
    }

    [Fact]
    public async Task FailureRate_FailsEveryNthCall_Deterministically()
    {
        await using var broker = await TestBroker.StartAsync("research", Key);
        await using var responder = ResponderHost.Start(broker.Port, Key, new Dictionary<string, string?> { ["Responder:FailureRate"] = "0.5" });
        await broker.NextAsync();

        var outcomes = new List<bool>();
        for (var i = 0; i < 4; i++)
        {
            // One at a time, so the order of the calls is the order of the plan.
            await broker.SendAsync(Inbox, Chat($"c{i}", "summarize", """{"text":"a b c"}"""));
            outcomes.Add((await broker.NextAsync()).Message.TryGetProperty("error", out _));
        }

        Assert.Equal([false, true, false, true], outcomes);
    }

    [Fact]
    public async Task AfterTheBrokerDropsIt_Reconnects_AndAnnouncesItsSkillsAgain()
    {
        await using var broker = await TestBroker.StartAsync("research", Key);
        await using var responder = ResponderHost.Start(broker.Port, Key);
        Assert.Equal("skills", (await broker.NextAsync()).Message.GetProperty("type").GetString());

        await broker.DisconnectAllAsync();

        Assert.Equal("skills", (await broker.NextAsync()).Message.GetProperty("type").GetString());
        await broker.SendAsync(Inbox, Chat("after", "summarize", """{"text":"still here","maxWords":1}"""));
        var reply = (await broker.NextAsync()).Message;
        Assert.Equal("still …", reply.GetProperty("result").GetProperty("summary").GetString());
        Assert.True(broker.Connections.Count >= 2);
    }

    [Fact]
    public async Task AWrongKey_IsRefused_AndTheResponderKeepsTrying_Unready()
    {
        await using var broker = await TestBroker.StartAsync("research", Key);
        await using var responder = ResponderHost.Start(broker.Port, "fk_a_wrong-key");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (broker.Connections.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.True(broker.Connections.Count >= 2, "The responder did not retry.");
        using var http = new HttpClient { BaseAddress = responder.HealthUrl };
        using var health = await http.GetAsync("healthz", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.DoesNotContain("fk_a_wrong-key", responder.Logs.Text, StringComparison.Ordinal);
    }

    private static string Chat(string id, string tool, string arguments) =>
        $$$"""{"type":"chat_message","id":"{{{id}}}","tool":"{{{tool}}}","arguments":{{{arguments}}},"caller":{"sub":"u1","name":"User","client_id":"c"}}""";
}
