using Facade.DeviceEdge.ExternalBroker;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Broker;

/// <summary>
/// The broker <c>DeviceEdge:Mqtt:Mode</c> chose, decided from the validated options at start rather than from raw
/// configuration while services are registered: the host starts and stops it, the rest of the service publishes through
/// it (<see cref="IDeviceChannel"/>, <see cref="IAlertChannel"/>), and the health check asks it. The other one is never started.
/// </summary>
internal sealed class DeviceBroker(IOptions<MqttOptions> options, EmbeddedBroker embedded, ExternalBrokerClient external) : IHostedService, IDeviceChannel, IAlertChannel
{
    private IDeviceBroker Selected => options.Value.Mode == BrokerMode.External ? external : embedded;

    public bool IsReady => Selected.IsReady;

    public string NotReadyReason => Selected.NotReadyReason;

    public Task StartAsync(CancellationToken cancellationToken) => Selected.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Selected.StopAsync(cancellationToken);

    public Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, int qos, bool retain, CancellationToken cancellationToken) =>
        Selected.PublishAsync(topic, payload, qos, retain, cancellationToken);

    public Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        Selected.PublishAsync(topic, payload, cancellationToken);

    public Task RevokeAsync(string deviceId, CancellationToken cancellationToken) => Selected.RevokeAsync(deviceId, cancellationToken);
}
