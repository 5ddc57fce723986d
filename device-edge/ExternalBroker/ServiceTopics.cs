using Facade.DeviceEdge.Broker;

namespace Facade.DeviceEdge.ExternalBroker;

/// <summary>
/// What the service itself does on an external broker, as topic filters over every device: it consumes what devices
/// publish (the mirror of <see cref="TopicAcl.CheckPublish"/>) and publishes what devices receive. Its subscriptions and
/// its account's ACL in mosquitto are both built from these lists.
/// </summary>
internal static class ServiceTopics
{
    private const string AnyDevice = "+";
    private const string AnyCommand = "+";

    public static readonly string[] Consumed =
    [
        DeviceTopics.Telemetry(AnyDevice),
        DeviceTopics.Status(AnyDevice),
        DeviceTopics.CommandAck(AnyDevice, AnyCommand),
        DeviceTopics.ShadowReported(AnyDevice),
    ];

    /// <summary>
    /// The filters the service subscribes to: <see cref="Consumed"/>, with telemetry and reported shadows shared in
    /// <paramref name="sharedGroup"/> when set (one worker stores each). Statuses stay plain, so every worker gets the
    /// retained ones (shared subscriptions never receive retained messages), and so do acknowledgements, which must
    /// reach the worker holding the request that waits for them.
    /// </summary>
    public static IEnumerable<string> Subscriptions(string? sharedGroup) =>
        string.IsNullOrEmpty(sharedGroup)
            ? Consumed
            : Consumed.Select(filter => IsShared(filter) ? $"$share/{sharedGroup}/{filter}" : filter);

    private static bool IsShared(string filter) =>
        filter == DeviceTopics.Telemetry(AnyDevice) || filter == DeviceTopics.ShadowReported(AnyDevice);

    public static readonly string[] Published =
    [
        DeviceTopics.Command(AnyDevice, AnyCommand),
        DeviceTopics.ShadowDesired(AnyDevice),
        AlertTopics.Prefix + "#", // alert notifications (rules with an mqtt channel)
    ];
}
