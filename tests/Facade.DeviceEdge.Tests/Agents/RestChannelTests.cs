using System.Net;
using System.Text.Json;
using static Facade.DeviceEdge.Tests.Agents.AgentTesting;

namespace Facade.DeviceEdge.Tests.Agents;

/// <summary>Calls answered by a runtime over the REST form of the channel (<c>/channels/{id}/wait</c> and <c>/replies</c>).</summary>
public sealed class RestChannelTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task Call_IsAnsweredByTheRestRuntime_WithTheCallerFromTheToken()
    {
        var agentId = NewAgentId();
        using var runtime = fixture.Host.CreateHttpClient(RuntimeToken(fixture.Issuer, agentId));
        using var caller = Caller(fixture);
        await ReplyAsync(runtime, agentId, Skills("web_search"));

        var call = CallAsync(caller, agentId, "web_search", """{"query":"mqtt","limit":2}""");
        var message = await WaitAsync(runtime, agentId);
        Assert.Equal("chat_message", message.Text("type"));
        Assert.Equal("web_search", message.Text("tool"));
        Assert.Equal("mqtt", message.GetProperty("arguments").Text("query"));
        var from = message.GetProperty("caller");
        Assert.Equal("caller-user", from.Text("sub"));
        Assert.Equal("Caller Name", from.Text("name"));
        Assert.Equal("caller-client", from.Text("client_id"));
        await ReplyAsync(runtime, agentId, Result(message.Text("id")!, """{"hits":["a","b"]}"""));

        var (status, json) = await call;
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("b", json.GetProperty("result").GetProperty("hits")[1].GetString());
    }

    [Fact]
    public async Task CallerFieldsInTheBody_AreRefused_NotForwarded()
    {
        using var caller = Caller(fixture);

        var (status, json) = await caller.SendJsonAsync(HttpMethod.Post, $"agents/{NewAgentId()}/calls",
            """{"tool":"x","arguments":{},"caller":{"sub":"someone-else"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", json.Text("error"));
    }

    [Fact]
    public async Task FiftyConcurrentCalls_AnsweredInReverseOrder_EachGetsItsOwnResult()
    {
        var agentId = NewAgentId();
        using var runtime = fixture.Host.CreateHttpClient(RuntimeToken(fixture.Issuer, agentId));
        using var caller = Caller(fixture);
        var calls = Enumerable.Range(0, 50).Select(i => CallAsync(caller, agentId, "echo", $$"""{"n":{{i}}}""")).ToList();

        var received = new List<JsonElement>();
        while (received.Count < 50)
        {
            var message = await WaitAsync(runtime, agentId);
            if (message.ValueKind == JsonValueKind.Object)
            {
                received.Add(message);
            }
        }

        foreach (var message in Enumerable.Reverse(received))
        {
            var n = message.GetProperty("arguments").GetProperty("n").GetInt32();
            await ReplyAsync(runtime, agentId, Result(message.Text("id")!, $$"""{"n":{{n}}}"""));
        }

        for (var i = 0; i < 50; i++)
        {
            var (status, json) = await calls[i];
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(i, json.GetProperty("result").GetProperty("n").GetInt32());
        }
    }

    [Fact]
    public async Task NoRuntime_TimesOut_With504AndTheReason()
    {
        var agentId = NewAgentId();
        using var caller = Caller(fixture);

        var (status, json) = await CallAsync(caller, agentId, "web_search", timeoutSeconds: 1);

        Assert.Equal(HttpStatusCode.GatewayTimeout, status);
        Assert.Equal("agent_timeout", json.Text("error"));
        Assert.Equal($"The agent '{agentId}' did not answer within 1 s (no runtime connected).", json.Text("error_description"));
    }

    [Fact]
    public async Task RuntimeThatTookTheCallAndNeverAnswers_TimesOut_AsBusy()
    {
        var agentId = NewAgentId();
        using var runtime = fixture.Host.CreateHttpClient(RuntimeToken(fixture.Issuer, agentId));
        using var caller = Caller(fixture);
        var call = CallAsync(caller, agentId, "slow", timeoutSeconds: 1);
        Assert.Equal(JsonValueKind.Object, (await WaitAsync(runtime, agentId)).ValueKind);

        var (status, json) = await call;

        Assert.Equal(HttpStatusCode.GatewayTimeout, status);
        Assert.EndsWith("(runtime busy).", json.Text("error_description"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentError_Is200WithTheAgentsMessage()
    {
        var agentId = NewAgentId();
        using var runtime = fixture.Host.CreateHttpClient(RuntimeToken(fixture.Issuer, agentId));
        using var caller = Caller(fixture);
        var call = CallAsync(caller, agentId, "summarize");
        var message = await WaitAsync(runtime, agentId);

        await ReplyAsync(runtime, agentId, $$"""{"type":"agent_reply","id":"{{message.Text("id")}}","error":"text too long"}""");

        var (status, json) = await call;
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text too long", json.Text("error"));
        Assert.False(json.TryGetProperty("result", out _));
    }

    [Fact]
    public async Task RuntimeRestartsMidCall_CallFailsAtOnce_With502()
    {
        var agentId = NewAgentId();
        using var runtime = fixture.Host.CreateHttpClient(RuntimeToken(fixture.Issuer, agentId));
        using var caller = Caller(fixture);
        var call = CallAsync(caller, agentId, "summarize", timeoutSeconds: 120);
        Assert.Equal(JsonValueKind.Object, (await WaitAsync(runtime, agentId)).ValueKind);

        await ReplyAsync(runtime, agentId, Skills("summarize"));

        var (status, json) = await call.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("agent_runtime_lost", json.Text("error"));
        Assert.Contains("the agent's runtime restarted", json.Text("error_description"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallMadeBeforeAnyRuntime_IsDeliveredWhenTheRuntimeWaits()
    {
        var agentId = NewAgentId();
        using var caller = Caller(fixture);
        var call = CallAsync(caller, agentId, "summarize", """{"text":"queued"}""");
        await EventuallyAsync(async () => (await caller.GetAsync($"agents/{agentId}/skills", TestContext.Current.CancellationToken)).IsSuccessStatusCode, "the agent is known");

        using var runtime = fixture.Host.CreateHttpClient(RuntimeToken(fixture.Issuer, agentId));
        var message = await WaitAsync(runtime, agentId);
        Assert.Equal("queued", message.GetProperty("arguments").Text("text"));
        await ReplyAsync(runtime, agentId, Result(message.Text("id")!, "\"done\""));

        var (status, json) = await call;
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("done", json.GetProperty("result").GetString());
    }

    [Fact]
    public async Task Wait_WithNothingQueued_Is204()
    {
        var agentId = NewAgentId();
        using var runtime = fixture.Host.CreateHttpClient(RuntimeToken(fixture.Issuer, agentId));

        using var response = await runtime.PostAsync($"channels/{agentId}/wait?timeoutSeconds=0", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task SkillsAnnounced_ShowUpWithANewVersion_AndOnline()
    {
        var agentId = NewAgentId();
        using var runtime = fixture.Host.CreateHttpClient(RuntimeToken(fixture.Issuer, agentId));
        using var caller = Caller(fixture);
        var (_, before) = await caller.SendJsonAsync(HttpMethod.Get, $"agents/{agentId}/skills");
        Assert.Equal(0, before.GetProperty("version").GetInt64());
        Assert.False(before.GetProperty("online").GetBoolean());
        Assert.Equal(0, before.GetProperty("skills").GetArrayLength());

        await ReplyAsync(runtime, agentId, Skills("web_search"));
        var (_, first) = await caller.SendJsonAsync(HttpMethod.Get, $"agents/{agentId}/skills");
        await ReplyAsync(runtime, agentId, Skills("web_search", "summarize"));
        var (status, second) = await caller.SendJsonAsync(HttpMethod.Get, $"agents/{agentId}/skills");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(first.GetProperty("version").GetInt64() > 0);
        Assert.True(second.GetProperty("version").GetInt64() > first.GetProperty("version").GetInt64());
        Assert.True(second.GetProperty("online").GetBoolean());
        Assert.Equal(["web_search", "summarize"], second.GetProperty("skills").EnumerateArray().Select(s => s.Text("name")));
        Assert.Equal("object", second.GetProperty("skills")[1].GetProperty("inputSchema").Text("type"));
    }

    [Theory]
    [InlineData("devices:read")]
    [InlineData("agents:invoke")]
    public async Task TokenWithoutServe_GetsNotFound_OnWaitAndReplies(string scope)
    {
        var agentId = NewAgentId();
        using var stranger = fixture.Host.CreateHttpClient(RuntimeToken(fixture.Issuer, agentId, scope));

        using var wait = await stranger.PostAsync($"channels/{agentId}/wait?timeoutSeconds=0", null, TestContext.Current.CancellationToken);
        var (replyStatus, reply) = await stranger.SendJsonAsync(HttpMethod.Post, $"channels/{agentId}/replies", Skills("x"));

        Assert.Equal(HttpStatusCode.NotFound, wait.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, replyStatus);
        Assert.Equal("not_found", reply.Text("error"));
    }

    [Fact]
    public async Task AnotherAgentsRuntime_GetsNotFound_AndCannotReadTheInbox()
    {
        var agentId = NewAgentId();
        using var caller = Caller(fixture);
        var call = CallAsync(caller, agentId, "secret", timeoutSeconds: 2);
        using var other = fixture.Host.CreateHttpClient(RuntimeToken(fixture.Issuer, NewAgentId()));
        using var unbound = fixture.Host.CreateHttpClient(fixture.Issuer.Token("someone", Serve));

        using var wait = await other.PostAsync($"channels/{agentId}/wait?timeoutSeconds=0", null, TestContext.Current.CancellationToken);
        using var waitUnbound = await unbound.PostAsync($"channels/{agentId}/wait?timeoutSeconds=0", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, wait.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, waitUnbound.StatusCode);
        Assert.Equal(HttpStatusCode.GatewayTimeout, (await call).Status);
    }

    [Fact]
    public async Task NoToken_Is401_OnEveryChannelEndpoint()
    {
        using var anonymous = fixture.Host.CreateHttpClient();
        var agentId = NewAgentId();

        using var wait = await anonymous.PostAsync($"channels/{agentId}/wait", null, TestContext.Current.CancellationToken);
        var (call, _) = await CallAsync(anonymous, agentId, "x");

        Assert.Equal(HttpStatusCode.Unauthorized, wait.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, call);
    }

    [Fact]
    public async Task CallerWithoutInvoke_Is403InsufficientScope()
    {
        using var caller = Caller(fixture, scope: "devices:read");

        var (status, json) = await CallAsync(caller, NewAgentId(), "x");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("insufficient_scope", json.Text("error"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"type":"chat_message","id":"x"}""")]
    [InlineData("""{"type":"agent_reply","id":"call_1"}""")]
    [InlineData("""{"type":"agent_reply","id":"call_1","result":1,"error":"both"}""")]
    [InlineData("""{"type":"agent_reply","id":"call/1","result":1}""")]
    [InlineData("""{"type":"agent_reply","id":"call_1","result":1,"extra":true}""")]
    [InlineData("""{"type":"agent_reply","id":"call_1","id":"call_2","result":1}""")]
    [InlineData("""{"type":"skills","skills":{}}""")]
    [InlineData("""{"type":"skills","skills":[{"description":"no name"}]}""")]
    [InlineData("""{"type":"skills","skills":[{"name":"a b"}]}""")]
    [InlineData("""{"type":"skills","skills":[{"name":"a"},{"name":"a"}]}""")]
    [InlineData("""{"type":"skills","skills":[{"name":"a","inputSchema":{"type":"string"}}]}""")]
    [InlineData("""{"type":"skills","skills":[{"name":"a","scopes":["two words"]}]}""")]
    public async Task MalformedRuntimeMessage_Is400_AndTheChannelKeepsWorking(string body)
    {
        var agentId = NewAgentId();
        using var runtime = fixture.Host.CreateHttpClient(RuntimeToken(fixture.Issuer, agentId));

        var (status, json) = await runtime.SendJsonAsync(HttpMethod.Post, $"channels/{agentId}/replies", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", json.Text("error"));
        Assert.False(string.IsNullOrEmpty(json.Text("error_description")));
        await Call_IsAnsweredByTheRestRuntime_WithTheCallerFromTheToken();
    }

    [Fact]
    public async Task OversizedReply_Is413()
    {
        var agentId = NewAgentId();
        using var runtime = fixture.Host.CreateHttpClient(RuntimeToken(fixture.Issuer, agentId));
        var huge = Result("call_1", "\"" + new string('x', 300 * 1024) + "\"");

        var (status, json) = await runtime.SendJsonAsync(HttpMethod.Post, $"channels/{agentId}/replies", huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("request_too_large", json.Text("error"));
    }

    [Theory]
    [InlineData("""{"arguments":{}}""")]
    [InlineData("""{"tool":"x","arguments":[]}""")]
    [InlineData("""{"tool":"x","timeoutSeconds":121}""")]
    [InlineData("""{"tool":"x","timeoutSeconds":0}""")]
    [InlineData("""{"tool":"x","timeoutSeconds":"5"}""")]
    [InlineData("""{"tool":"bad tool"}""")]
    [InlineData("""{"tool":"x","tool":"y"}""")]
    public async Task MalformedCall_Is400NamingTheField(string body)
    {
        using var caller = Caller(fixture);

        var (status, json) = await caller.SendJsonAsync(HttpMethod.Post, $"agents/{NewAgentId()}/calls", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", json.Text("error"));
    }

    [Theory]
    [InlineData("26")]
    [InlineData("-1")]
    [InlineData("abc")]
    public async Task WaitWithABadTimeout_Is400(string timeout)
    {
        var agentId = NewAgentId();
        using var runtime = fixture.Host.CreateHttpClient(RuntimeToken(fixture.Issuer, agentId));

        using var response = await runtime.PostAsync($"channels/{agentId}/wait?timeoutSeconds={timeout}", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task CallerTokenBoundToAnotherAgent_GetsNotFound()
    {
        using var caller = fixture.Host.CreateHttpClient(fixture.Issuer.Token("u", Invoke, t => t with { Claims = new Dictionary<string, object> { ["agent_id"] = "other" } }));

        var (status, _) = await CallAsync(caller, NewAgentId(), "x");

        Assert.Equal(HttpStatusCode.NotFound, status);
    }
}
