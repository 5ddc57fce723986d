using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Facade.DeviceEdge.Broker;

/// <summary>
/// The MQTT broker inside the service (MQTTnet.Server with its own TCP listener), so <c>./run.sh</c> needs nothing
/// else. MQTTnet's listener rather than a Kestrel endpoint: the REST endpoints stay Kestrel's alone (URLs, launch
/// profiles and test hosts configure them as for every other service), the broker's port is read back after start
/// from its own options, and an external broker (<see cref="ExternalBroker.ExternalBrokerClient"/>) replaces this class
/// without touching HTTP hosting.
/// </summary>
internal sealed partial class EmbeddedBroker(
    IOptions<MqttOptions> options,
    IServiceProvider services,
    DeviceSessions sessions,
    MqttListener listener,
    ILoggerFactory loggers,
    ILogger<EmbeddedBroker> logger) : IDeviceBroker, IAsyncDisposable
{
    private readonly Lock _lifecycle = new();
    private MqttServer? _server;
    private Task? _stopped;

    public bool IsReady => _server is { IsStarted: true };

    public string NotReadyReason => "The MQTT broker is not running.";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var address = IPAddress.Parse(settings.Address);
        var v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(v6 ? IPAddress.None : address)
            .WithDefaultEndpointBoundIPV6Address(v6 ? address : IPAddress.None)
            .WithDefaultEndpointPort(settings.Port)
            .WithDefaultCommunicationTimeout(settings.ConnectTimeout)
            .Build();
        _server = new MqttServerFactory(new MqttNetLogBridge(loggers)).CreateMqttServer(serverOptions);
        // Resolved only now: their observers (command delivery, shadows) publish through this broker, so asking for them
        // while the broker itself is being constructed would be a dependency cycle.
        services.GetRequiredService<DeviceBrokerEvents>().Attach(_server);
        services.GetRequiredService<DeviceDeliveryEvents>().Attach(_server);
        services.GetRequiredService<Agents.AgentBroker>().Attach(_server);
        await _server.StartAsync();

        // MQTTnet writes the port the socket was bound to back into its options (port 0 becomes the chosen one).
        listener.LocalEndPoint = new IPEndPoint(address, serverOptions.DefaultEndpointOptions.Port);
        LogListening(logger, listener.LocalEndPoint.ToString());
    }

    /// <summary>
    /// Stops once, however often it is called: the host stops its services both when asked to and when its run loop
    /// ends, sometimes at the same time, and MQTTnet's listener shutdown is not safe to run twice concurrently.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_lifecycle)
        {
            return _stopped ??= _server is { IsStarted: true } server ? server.StopAsync() : Task.CompletedTask;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        lock (_lifecycle)
        {
            _server?.Dispose();
            _server = null;
        }
    }

    public Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, int qos, bool retain, CancellationToken cancellationToken)
    {
        // The broker's own messages skip the ACL, so only what a device may receive can be sent.
        DeviceTopics.ThrowIfNotToDevice(topic, qos);
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload.ToArray())
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)qos)
            .WithRetainFlag(retain)
            .WithCurrentTrace()
            .Build();
        return Server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = "" }, cancellationToken);
    }

    public Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (!AlertTopics.IsValid(topic))
        {
            throw new ArgumentException("Only an alert topic can be published to.", nameof(topic));
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload.ToArray())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        return Server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = "" }, cancellationToken);
    }

    public async Task RevokeAsync(string deviceId, CancellationToken cancellationToken)
    {
        sessions.Advance(deviceId);
        try
        {
            await Server.DisconnectClientAsync(deviceId, MqttDisconnectReasonCode.NotAuthorized);
        }
        catch (InvalidOperationException)
        {
            // Not connected.
        }
    }

    private MqttServer Server => _server is { IsStarted: true } server ? server : throw new InvalidOperationException("The MQTT broker is not running.");

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT broker listening on {Endpoint}")]
    private static partial void LogListening(ILogger logger, string endpoint);
}
