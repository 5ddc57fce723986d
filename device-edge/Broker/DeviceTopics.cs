namespace Facade.DeviceEdge.Broker;

/// <summary>What a topic under <c>devices/{id}/…</c> is for (docs/architecture.md: MQTT topics).</summary>
internal enum DeviceTopicKind
{
    /// <summary><c>devices/{id}/telemetry</c>, device → edge.</summary>
    Telemetry,

    /// <summary><c>devices/{id}/status</c>, device → edge (also its last will).</summary>
    Status,

    /// <summary><c>devices/{id}/commands/{cmdId}/ack</c>, device → edge.</summary>
    CommandAck,

    /// <summary><c>devices/{id}/shadow/reported</c>, device → edge.</summary>
    ShadowReported,

    /// <summary><c>devices/{id}/commands/{cmdId}</c>, edge → device.</summary>
    Command,

    /// <summary><c>devices/{id}/shadow/desired</c>, edge → device.</summary>
    ShadowDesired,
}

/// <summary>A parsed device topic.</summary>
internal readonly record struct DeviceTopic(string DeviceId, DeviceTopicKind Kind, string? CommandId);

/// <summary>Parses and builds the device topics. Anything that is not exactly one of them does not parse.</summary>
internal static class DeviceTopics
{
    public const int MaxCommandIdLength = 64;

    public static string Telemetry(string deviceId) => $"devices/{deviceId}/telemetry";

    public static string Status(string deviceId) => $"devices/{deviceId}/status";

    public static string Command(string deviceId, string commandId) => $"devices/{deviceId}/commands/{commandId}";

    public static string CommandAck(string deviceId, string commandId) => $"devices/{deviceId}/commands/{commandId}/ack";

    public static string ShadowDesired(string deviceId) => $"devices/{deviceId}/shadow/desired";

    public static string ShadowReported(string deviceId) => $"devices/{deviceId}/shadow/reported";

    /// <summary>All commands of a device: the subscription a device makes to receive them.</summary>
    public static string AllCommands(string deviceId) => $"devices/{deviceId}/commands/+";

    /// <summary>
    /// Refuses what the service must not publish: anything but a device's command or desired-shadow topic (the
    /// service's own messages skip the device ACL), or a QoS other than 0, 1 or 2.
    /// </summary>
    public static void ThrowIfNotToDevice(string topic, int qos)
    {
        if (!TryParse(topic, out var parsed) || parsed.Kind is not (DeviceTopicKind.Command or DeviceTopicKind.ShadowDesired))
        {
            throw new ArgumentException("Only a device's command or desired-shadow topic can be published to.", nameof(topic));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(qos);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(qos, 2);
    }

    /// <summary>Command ids are topic levels too: <c>[A-Za-z0-9_-]{1,64}</c>.</summary>
    public static bool IsCommandId(ReadOnlySpan<char> value) =>
        value.Length is > 0 and <= MaxCommandIdLength && !value.ContainsAnyExcept(CommandIdChars);

    public static bool TryParse(string? topic, out DeviceTopic parsed)
    {
        parsed = default;
        if (topic is null)
        {
            return false;
        }

        var levels = topic.Split('/');
        if (levels.Length < 3 || levels[0] != "devices" || !Registry.DeviceId.IsValid(levels[1]))
        {
            return false;
        }

        DeviceTopicKind? kind = levels switch
        {
            [_, _, "telemetry"] => DeviceTopicKind.Telemetry,
            [_, _, "status"] => DeviceTopicKind.Status,
            [_, _, "shadow", "reported"] => DeviceTopicKind.ShadowReported,
            [_, _, "shadow", "desired"] => DeviceTopicKind.ShadowDesired,
            [_, _, "commands", var id] when IsCommandId(id) => DeviceTopicKind.Command,
            [_, _, "commands", var id, "ack"] when IsCommandId(id) => DeviceTopicKind.CommandAck,
            _ => null,
        };
        if (kind is null)
        {
            return false;
        }

        parsed = new DeviceTopic(levels[1], kind.Value, kind is DeviceTopicKind.Command or DeviceTopicKind.CommandAck ? levels[3] : null);
        return true;
    }

    private static readonly System.Buffers.SearchValues<char> CommandIdChars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");
}
