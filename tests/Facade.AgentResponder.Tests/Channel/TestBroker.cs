using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Facade.AgentResponder.Tests.Channel;

/// <summary>
/// A real MQTTnet broker on 127.0.0.1 standing where the device edge's broker stands for the responder: it accepts
/// one agent's credentials only, records what the agent publishes, and can put messages into its inbox.
/// </summary>
internal sealed class TestBroker : IAsyncDisposable
{
    private readonly MqttServer _server;
    private readonly ConcurrentQueue<(string Topic, JsonElement Message)> _published = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private TestBroker(MqttServer server, int port)
    {
        _server = server;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The user name, password and client id of every connection attempt.</summary>
    public ConcurrentQueue<(string? UserName, string? Password, string ClientId)> Connections { get; } = new();

    public static async Task<TestBroker> StartAsync(string agentId, string key)
    {
        var port = Facade.Testing.McpAdapterHost.ReservePort();
        var server = new MqttServerFactory().CreateMqttServer(new MqttServerOptionsBuilder().WithDefaultEndpoint().WithDefaultEndpointBoundIPAddress(System.Net.IPAddress.Loopback).WithDefaultEndpointPort(port).Build());
        var broker = new TestBroker(server, port);
        server.ValidatingConnectionAsync += e =>
        {
            broker.Connections.Enqueue((e.UserName, e.Password, e.ClientId));
            if (e.UserName != $"agent:{agentId}" || e.Password != key)
            {
                e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            }

            return Task.CompletedTask;
        };
        server.InterceptingPublishAsync += e =>
        {
            if (e.ClientId.StartsWith("agent:", StringComparison.Ordinal))
            {
                broker._published.Enqueue((e.ApplicationMessage.Topic, JsonDocument.Parse(e.ApplicationMessage.ConvertPayloadToString()).RootElement.Clone()));
                broker._arrived.Release();
            }

            return Task.CompletedTask;
        };
        await server.StartAsync();
        return broker;
    }

    /// <summary>Puts a message into the agent's inbox, as the device edge does with a call.</summary>
    public Task SendAsync(string topic, string json) =>
        _server.InjectApplicationMessage(new InjectedMqttApplicationMessage(new MqttApplicationMessageBuilder()
            .WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(json)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build())
        {
            SenderClientId = "",
        });

    /// <summary>The next message the agent published (in order), waiting up to 30 s.</summary>
    public async Task<(string Topic, JsonElement Message)> NextAsync()
    {
        Assert.True(await _arrived.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), "The agent published nothing.");
        Assert.True(_published.TryDequeue(out var next));
        return next;
    }

    /// <summary>Drops every connected client (as a broker restart would).</summary>
    public async Task DisconnectAllAsync()
    {
        foreach (var client in await _server.GetClientsAsync())
        {
            await client.DisconnectAsync(new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.ServerShuttingDown });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        _server.Dispose();
        _arrived.Dispose();
    }
}
