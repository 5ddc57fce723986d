using System.Net;
using static Facade.DeviceEdge.Tests.Agents.AgentTesting;

namespace Facade.DeviceEdge.Tests.Agents;

/// <summary>Any caller may name any agent id; made-up ids must not make the channel keep records without bound.</summary>
public sealed class AgentRecordBoundTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task CallsNamingMoreAgentsThanTheBound_Get429_AndAskingForSkillsKeepsNoRecord()
    {
        await using var host = fixture.StartHost(new Dictionary<string, string?> { ["DeviceEdge:Agents:MaxAgents"] = "2" });
        using var caller = host.CreateHttpClient(fixture.Issuer.Token("caller-user", Invoke));

        // Skills of unknown agents: answered (empty, offline) without taking a place.
        for (var i = 0; i < 5; i++)
        {
            var (status, json) = await caller.SendJsonAsync(HttpMethod.Get, $"agents/{NewAgentId()}/skills");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.False(json.GetProperty("online").GetBoolean());
        }

        var first = CallAsync(caller, NewAgentId(), "noop", timeoutSeconds: 1);
        var second = CallAsync(caller, NewAgentId(), "noop", timeoutSeconds: 1);
        Assert.Equal(HttpStatusCode.GatewayTimeout, (await first).Status);
        Assert.Equal(HttpStatusCode.GatewayTimeout, (await second).Status);

        var (thirdStatus, thirdJson) = await CallAsync(caller, NewAgentId(), "noop", timeoutSeconds: 1);
        Assert.Equal(HttpStatusCode.TooManyRequests, thirdStatus);
        Assert.Contains("agents", thirdJson.GetProperty("error_description").GetString());
    }
}
