namespace Facade.Mocks.DeviceSimulator.Devices;

/// <summary>The device's side of the MQTT contract (README, "MQTT contract for devices").</summary>
internal static class DeviceTopics
{
    public static string Telemetry(string deviceId) => $"devices/{deviceId}/telemetry";

    public static string Status(string deviceId) => $"devices/{deviceId}/status";

    public static string AllCommands(string deviceId) => $"devices/{deviceId}/commands/+";

    public static string CommandAck(string deviceId, string commandId) => $"devices/{deviceId}/commands/{commandId}/ack";

    public static string ShadowDesired(string deviceId) => $"devices/{deviceId}/shadow/desired";

    public static string ShadowReported(string deviceId) => $"devices/{deviceId}/shadow/reported";

    /// <summary>The command id of <c>devices/{deviceId}/commands/{commandId}</c>, or null for any other topic.</summary>
    public static string? CommandId(string deviceId, string topic)
    {
        var prefix = $"devices/{deviceId}/commands/";
        return topic.StartsWith(prefix, StringComparison.Ordinal) && topic.Length > prefix.Length && topic.IndexOf('/', prefix.Length) < 0
            ? topic[prefix.Length..]
            : null;
    }
}
