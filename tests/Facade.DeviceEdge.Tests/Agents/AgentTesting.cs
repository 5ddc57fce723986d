using System.Net;
using System.Text.Json;
using Facade.Testing;
using MQTTnet;

namespace Facade.DeviceEdge.Tests.Agents;

/// <summary>Callers and runtimes of the agent channel, over REST and MQTT, for the tests of one device edge.</summary>
internal static class AgentTesting
{
    public const string Invoke = "agents:invoke";
    public const string Serve = "agents:serve";

    public static string NewAgentId() => "agent-" + Guid.NewGuid().ToString("N");

    /// <summary>A runtime's access token: <c>agents:serve</c> and <c>agent_id</c> (as the edge mints from an agent key).</summary>
    public static string RuntimeToken(TestIssuer issuer, string agentId, string scope = Serve, Func<TestToken, TestToken>? change = null) =>
        issuer.Token("owner-" + agentId, scope, token =>
        {
            var bound = token with { Claims = new Dictionary<string, object> { ["agent_id"] = agentId } };
            return change?.Invoke(bound) ?? bound;
        });

    /// <summary>A caller with <c>agents:invoke</c> (and a display name, which the agent sees in <c>caller</c>).</summary>
    public static HttpClient Caller(DeviceEdgeFixture fixture, string subject = "caller-user", string scope = Invoke) =>
        fixture.Host.CreateHttpClient(fixture.Issuer.Token(subject, scope, token => token with
        {
            ClientId = "caller-client",
            Claims = new Dictionary<string, object> { ["name"] = "Caller Name" },
        }));

    public static Task<(HttpStatusCode Status, JsonElement Json)> CallAsync(HttpClient caller, string agentId, string tool, string arguments = "{}", int? timeoutSeconds = null)
    {
        var timeout = timeoutSeconds is { } seconds ? $",\"timeoutSeconds\":{seconds}" : "";
        return caller.SendJsonAsync(HttpMethod.Post, $"agents/{agentId}/calls", $$"""{"tool":"{{tool}}","arguments":{{arguments}}{{timeout}}}""");
    }

    /// <summary>The REST runtime's long-poll: the next chat_message, or default (204).</summary>
    public static async Task<JsonElement> WaitAsync(HttpClient runtime, string agentId, int timeoutSeconds = 25)
    {
        using var response = await runtime.PostAsync($"channels/{agentId}/wait?timeoutSeconds={timeoutSeconds}", null, TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent, $"wait answered {response.StatusCode}");
        return await JsonHttp.ReadJsonAsync(response);
    }

    public static async Task ReplyAsync(HttpClient runtime, string agentId, string message)
    {
        var (status, json) = await runtime.SendJsonAsync(HttpMethod.Post, $"channels/{agentId}/replies", message);
        Assert.True(status == HttpStatusCode.Accepted, $"{status}: {json}");
    }

    public static string Result(string callId, string resultJson) => $$"""{"type":"agent_reply","id":"{{callId}}","result":{{resultJson}}}""";

    public static string Skills(params string[] names) =>
        "{\"type\":\"skills\",\"skills\":[" + string.Join(',', names.Select(Skill)) + "]}";

    private static string Skill(string name) => $$$"""{"name":"{{{name}}}","description":"Does {{{name}}}","inputSchema":{"type":"object"}}""";

    /// <summary>An MQTT runtime connected with <paramref name="password"/> (a token or a key); not yet subscribed.</summary>
    public static async Task<(TestDevice Runtime, MqttClientConnectResult Result)> ConnectRuntimeAsync(
        DeviceEdgeHost host, string agentId, string password, string? clientId = null) =>
        await TestDevice.ConnectAsync(host.MqttPort, "agent:" + agentId, password, clientId: clientId ?? "agent:" + agentId,
            cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>Connected and subscribed to its inbox, after announcing <paramref name="skills"/>.</summary>
    public static async Task<TestDevice> StartRuntimeAsync(DeviceEdgeHost host, string agentId, string token, params string[] skills)
    {
        var (runtime, result) = await ConnectRuntimeAsync(host, agentId, token);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        var published = await runtime.PublishAsync($"agents/{agentId}/outbox", Skills(skills), cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(published.IsSuccess, published.ReasonCode.ToString());
        var subscribed = await runtime.SubscribeAsync($"agents/{agentId}/inbox", TestContext.Current.CancellationToken);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, subscribed.Items.Single().ResultCode);
        return runtime;
    }

    public static async Task<JsonElement> ReceiveCallAsync(TestDevice runtime)
    {
        var message = await runtime.ReceiveAsync(TestContext.Current.CancellationToken);
        return JsonDocument.Parse(message.Payload).RootElement.Clone();
    }

    /// <summary>Polls until <paramref name="condition"/> holds (or 15 s pass): for state that changes off the request path.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting until " + what);
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
