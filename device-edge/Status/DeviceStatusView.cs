namespace Facade.DeviceEdge.Status;

/// <summary>
/// A device's status in the REST API: <see cref="Online"/> and since when, when it was last seen (connect or any
/// message), the state it last reported itself (status topic or last will), and its current connection if any.
/// </summary>
internal sealed record DeviceStatusView(
    bool Online,
    DateTimeOffset? Since,
    DateTimeOffset? LastSeen,
    string? LastReported,
    ConnectionView? Connection)
{
    public static readonly DeviceStatusView NeverSeen = new(false, null, null, null, null);
}

internal sealed record ConnectionView(string? ClientAddress, string ProtocolVersion, DateTimeOffset ConnectedAt);

/// <summary><c>GET /devices/summary</c>: the caller's fleet (owned and shared devices).</summary>
internal sealed record FleetSummaryView(int Total, int Online, int WithActiveAlerts, DateTimeOffset? LastUpdate);
