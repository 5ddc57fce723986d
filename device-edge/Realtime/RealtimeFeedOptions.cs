using System.ComponentModel.DataAnnotations;

namespace Facade.DeviceEdge.Realtime;

/// <summary>The <c>DeviceEdge:Realtime</c> section: the event feed the edge's realtime hub reads (<c>GET /realtime/feed</c>).</summary>
public sealed class RealtimeFeedOptions
{
    public const string SectionName = "DeviceEdge:Realtime";

    /// <summary>Events that may wait for one feed consumer; a consumer that falls further behind is disconnected (it reconnects).</summary>
    [Range(16, 1_000_000)]
    public int ConsumerBufferEvents { get; set; } = 10_000;

    /// <summary>How often an idle feed carries a <c>{"kind":"heartbeat"}</c> line.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);
}
