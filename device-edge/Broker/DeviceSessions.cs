using System.Collections.Concurrent;

namespace Facade.DeviceEdge.Broker;

/// <summary>
/// Per device: a credential generation, moved on every credential change, and the session its latest accepted
/// connection attempt was validated with. A connection records the generation before its secret is checked; if the
/// generation moved by the time the connection is registered, the check may have read the old secret, so the
/// connection is closed. With the disconnect that follows every committed change, no old secret keeps a session.
/// </summary>
internal sealed class DeviceSessions
{
    private readonly ConcurrentDictionary<string, long> _generations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DeviceSession> _accepted = new(StringComparer.Ordinal);

    public long Generation(string deviceId) => _generations.GetValueOrDefault(deviceId);

    public void Advance(string deviceId) => _generations.AddOrUpdate(deviceId, 1, (_, value) => value + 1);

    /// <summary>Validation accepted the device's secret; the connection is about to be registered.</summary>
    public void Accepted(DeviceSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _accepted[session.DeviceId] = session;
    }

    /// <summary>
    /// The session validated for a connection now registered. Taken from here rather than from MQTTnet's session
    /// items, which are the previous connection's when a device takes over its own session without a clean start.
    /// </summary>
    public DeviceSession? TakeAccepted(string deviceId) => _accepted.TryRemove(deviceId, out var session) ? session : null;
}
