namespace Facade.DeviceEdge.Broker;

/// <summary>Why a publish or subscription was refused; logged, never the payload.</summary>
internal enum AclDenial
{
    None,

    /// <summary>Not one of the device topics (wildcards, <c>$SYS</c>, <c>$share</c>, anything else).</summary>
    UnknownTopic,

    /// <summary>A device topic of another device.</summary>
    OtherDevice,

    /// <summary>The device's own topic, but the wrong direction (e.g. publishing a command to itself).</summary>
    WrongDirection,

    /// <summary>Retained messages are only allowed on the device's status topic.</summary>
    Retain,
}

/// <summary>
/// What a device may do: publish on its own telemetry, status, command acknowledgement and reported-shadow topics,
/// and subscribe to its own commands and desired shadow. Nothing else, no wildcard beyond <c>commands/+</c>.
/// </summary>
internal static class TopicAcl
{
    public static AclDenial CheckPublish(string deviceId, string? topic, bool retain, out DeviceTopic parsed)
    {
        if (!DeviceTopics.TryParse(topic, out parsed))
        {
            return AclDenial.UnknownTopic;
        }

        if (!string.Equals(parsed.DeviceId, deviceId, StringComparison.Ordinal))
        {
            return AclDenial.OtherDevice;
        }

        if (parsed.Kind is not (DeviceTopicKind.Telemetry or DeviceTopicKind.Status or DeviceTopicKind.CommandAck or DeviceTopicKind.ShadowReported))
        {
            return AclDenial.WrongDirection;
        }

        // A retained status ("online", and an "offline" last will) is the usual presence pattern and costs one message
        // per device; retained telemetry or acknowledgements would only pile up in the broker.
        return retain && parsed.Kind != DeviceTopicKind.Status ? AclDenial.Retain : AclDenial.None;
    }

    public static AclDenial CheckSubscribe(string deviceId, string? filter)
    {
        if (filter == DeviceTopics.AllCommands(deviceId) || filter == DeviceTopics.ShadowDesired(deviceId))
        {
            return AclDenial.None;
        }

        if (!DeviceTopics.TryParse(filter, out var parsed))
        {
            return AclDenial.UnknownTopic;
        }

        if (!string.Equals(parsed.DeviceId, deviceId, StringComparison.Ordinal))
        {
            return AclDenial.OtherDevice;
        }

        return parsed.Kind == DeviceTopicKind.Command ? AclDenial.None : AclDenial.WrongDirection;
    }
}
