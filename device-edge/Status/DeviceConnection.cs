namespace Facade.DeviceEdge.Status;

/// <summary>
/// One MQTT connection of a device. A class on purpose: the board compares connections by identity, so events of an
/// older connection (a late last will, a late disconnect) cannot change the status of the device's current one.
/// </summary>
internal sealed class DeviceConnection(string deviceId, string? clientAddress, string protocolVersion, DateTimeOffset connectedAt)
{
    public string DeviceId { get; } = deviceId;
    public string? ClientAddress { get; } = clientAddress;
    public string ProtocolVersion { get; } = protocolVersion;
    public DateTimeOffset ConnectedAt { get; } = connectedAt;
}
