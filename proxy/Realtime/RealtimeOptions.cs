using System.ComponentModel.DataAnnotations;

namespace Facade.Proxy.Realtime;

/// <summary><c>Facade:Realtime</c>: the <c>/realtime</c> WebSocket and SSE channel and where its events come from.</summary>
public sealed class RealtimeOptions
{
    public const string SectionName = "Facade:Realtime";

    /// <summary>
    /// The device edge (its feed and device access checks). Default: the first destination of the YARP cluster
    /// <c>device-edge</c>; with neither, every subscription answers <c>unavailable</c>.
    /// </summary>
    public Uri? DeviceEdgeUrl { get; set; }

    /// <summary>
    /// Every device-edge worker's own address, whose event feeds the edge follows: a worker publishes only the events
    /// it handled (with several workers sharing a broker, each takes its share of the telemetry). Default: the
    /// <see cref="DeviceEdgeUrl"/> when it was set, else every destination of the YARP cluster <c>device-edge</c>.
    /// </summary>
    public List<Uri> DeviceEdgeFeeds { get; set; } = [];

    /// <summary>Open connections (WebSocket and SSE together) one user may hold; one more gets 429 <c>too_many_connections</c>.</summary>
    [Range(1, 100_000)]
    public int MaxConnectionsPerUser { get; set; } = 16;

    [Range(1, 10_000)]
    public int MaxSubscriptionsPerConnection { get; set; } = 64;

    /// <summary>Messages that may wait for one client; past that it is closed with 4408 <c>slow_consumer</c>.</summary>
    [Range(1, 1_000_000)]
    public int SendBufferMessages { get; set; } = 256;

    /// <summary>How often an idle connection gets a heartbeat (and the WebSocket keep-alive ping).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the device access behind live subscriptions is checked again (a withdrawn share stops the flow).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AccessRecheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}
