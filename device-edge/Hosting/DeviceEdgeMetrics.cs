using System.Diagnostics.Metrics;
using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Commands;

namespace Facade.DeviceEdge.Hosting;

/// <summary>
/// The device edge's own metrics (meter <c>Facade.DeviceEdge</c>, exported with the rest when a collector is
/// configured): MQTT messages accepted from devices, by kind, and command lifecycle steps (<c>created</c>,
/// <c>delivered</c>, <c>acknowledged</c>, <c>failed</c>, <c>expired</c>). The telemetry pipeline has its own meter
/// (<c>Facade.DeviceEdge.Telemetry</c>).
/// </summary>
internal sealed class DeviceEdgeMetrics : ICommandObserver
{
    public const string MeterName = "Facade.DeviceEdge";

    private readonly Counter<long> _messages;
    private readonly Counter<long> _commands;

    public DeviceEdgeMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _messages = meter.CreateCounter<long>("facade.mqtt.messages", unit: "{message}", description: "MQTT messages accepted from devices, by kind.");
        _commands = meter.CreateCounter<long>("facade.commands", unit: "{command}", description: "Device command lifecycle steps, by event.");
    }

    public void MessageAccepted(DeviceTopicKind kind) => _messages.Add(1, new KeyValuePair<string, object?>("kind", Name(kind)));

    public void OnCommandChanged(CommandChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _commands.Add(1, new KeyValuePair<string, object?>("event", change.Event));
    }

    private static string Name(DeviceTopicKind kind) => kind switch
    {
        DeviceTopicKind.Telemetry => "telemetry",
        DeviceTopicKind.Status => "status",
        DeviceTopicKind.CommandAck => "command_ack",
        DeviceTopicKind.ShadowReported => "shadow_reported",
        _ => "other",
    };
}
