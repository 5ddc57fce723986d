using System.Collections.Concurrent;
using Facade.DeviceEdge.Data;

namespace Facade.DeviceEdge.Status;

/// <summary>
/// The live status of every device, in memory: connections, online/offline, last seen. Reads come from here;
/// <see cref="StatusFlusher"/> writes changed entries to the database periodically (last seen moves with every message,
/// and a database write per telemetry message would cost more than the message). Transitions return a
/// <see cref="DeviceStatusChange"/> for the observers; everything else returns null.
/// </summary>
internal sealed class DeviceStatusBoard(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _dirty = new(StringComparer.Ordinal);

    /// <summary>
    /// Restores what the database knew at start. Connections do not survive a restart, so every device starts offline;
    /// one recorded as online went offline now.
    /// </summary>
    public void Load(IEnumerable<DeviceStatusRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var now = StoredTime.Now(time);
        foreach (var record in records)
        {
            var entry = new Entry
            {
                Since = record.Online ? now : record.Since,
                LastReported = record.LastReported,
                LastSeenTicks = record.LastSeen?.UtcTicks ?? 0,
            };
            _entries[record.DeviceId] = entry;
            if (record.Online)
            {
                _dirty[record.DeviceId] = 0;
            }
        }
    }

    public DeviceStatusView Get(string deviceId)
    {
        if (!_entries.TryGetValue(deviceId, out var entry))
        {
            return DeviceStatusView.NeverSeen;
        }

        lock (entry)
        {
            var connection = entry.Connection is { } c ? new ConnectionView(c.ClientAddress, c.ProtocolVersion, c.ConnectedAt) : null;
            return new DeviceStatusView(entry.Online, entry.Since, LastSeen(entry), entry.LastReported, connection);
        }
    }

    public bool IsOnline(string deviceId)
    {
        if (!_entries.TryGetValue(deviceId, out var entry))
        {
            return false;
        }

        lock (entry)
        {
            return entry.Online;
        }
    }

    public bool IsConnected(string deviceId) =>
        _entries.TryGetValue(deviceId, out var entry) && Volatile.Read(ref entry.Connection) is not null;

    public DeviceStatusChange? Connected(DeviceConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var entry = _entries.GetOrAdd(connection.DeviceId, _ => new Entry());
        Touch(connection.DeviceId, entry, connection.ConnectedAt);
        lock (entry)
        {
            entry.Connection = connection;
            return SetOnline(connection.DeviceId, entry, online: true, StatusReason.Connected, connection.ConnectedAt);
        }
    }

    /// <summary>The connection ended; ignored unless it is the device's current one (a takeover already replaced it).</summary>
    public DeviceStatusChange? Disconnected(DeviceConnection connection, bool clean)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!_entries.TryGetValue(connection.DeviceId, out var entry))
        {
            return null;
        }

        lock (entry)
        {
            if (!ReferenceEquals(entry.Connection, connection))
            {
                return null;
            }

            entry.Connection = null;
            _dirty[connection.DeviceId] = 0;
            return SetOnline(connection.DeviceId, entry, online: false, clean ? StatusReason.Disconnected : StatusReason.ConnectionLost, StoredTime.Now(time));
        }
    }

    /// <summary>
    /// The device published its state (or the broker published its last will). A report over an older connection than
    /// the current one is stale and ignored; without a connection (an external broker) the report alone decides.
    /// </summary>
    public DeviceStatusChange? Reported(string deviceId, DeviceConnection? connection, bool online)
    {
        var entry = _entries.GetOrAdd(deviceId, _ => new Entry());
        lock (entry)
        {
            if (connection is not null && entry.Connection is not null && !ReferenceEquals(entry.Connection, connection))
            {
                return null;
            }

            entry.LastReported = online ? "online" : "offline";
            _dirty[deviceId] = 0;
            return SetOnline(deviceId, entry, online, StatusReason.Reported, StoredTime.Now(time));
        }
    }

    /// <summary>The device was heard from (any accepted message). Cheap: no lock, and the database hears of it later.</summary>
    public void Touch(string deviceId) => Touch(deviceId, _entries.GetOrAdd(deviceId, _ => new Entry()), StoredTime.Now(time));

    /// <summary>The device was deleted: its status goes with it.</summary>
    public void Forget(string deviceId)
    {
        _entries.TryRemove(deviceId, out _);
        _dirty.TryRemove(deviceId, out _);
    }

    /// <summary>Entries changed since the last call, as rows to write; <see cref="MarkDirty"/> puts them back if the write fails.</summary>
    public List<DeviceStatusRecord> TakeDirty()
    {
        var rows = new List<DeviceStatusRecord>();
        foreach (var deviceId in _dirty.Keys)
        {
            _dirty.TryRemove(deviceId, out _);
            if (_entries.TryGetValue(deviceId, out var entry))
            {
                lock (entry)
                {
                    var connection = entry.Connection;
                    rows.Add(new DeviceStatusRecord
                    {
                        DeviceId = deviceId,
                        Online = entry.Online,
                        Since = entry.Since,
                        LastSeen = LastSeen(entry),
                        LastReported = entry.LastReported,
                        ClientAddress = connection?.ClientAddress,
                        ProtocolVersion = connection?.ProtocolVersion,
                        ConnectedAt = connection?.ConnectedAt,
                    });
                }
            }
        }

        return rows;
    }

    public void MarkDirty(IEnumerable<string> deviceIds)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        foreach (var deviceId in deviceIds.Where(_entries.ContainsKey))
        {
            _dirty[deviceId] = 0;
        }
    }

    private void Touch(string deviceId, Entry entry, DateTimeOffset at)
    {
        var ticks = at.UtcTicks;
        var seen = Volatile.Read(ref entry.LastSeenTicks);
        while (ticks > seen)
        {
            var previous = Interlocked.CompareExchange(ref entry.LastSeenTicks, ticks, seen);
            if (previous == seen)
            {
                _dirty.TryAdd(deviceId, 0);
                return;
            }

            seen = previous;
        }
    }

    private DeviceStatusChange? SetOnline(string deviceId, Entry entry, bool online, StatusReason reason, DateTimeOffset at)
    {
        _dirty[deviceId] = 0;
        if (entry.Online == online && entry.Since is not null)
        {
            return null;
        }

        entry.Online = online;
        entry.Since = at;
        return new DeviceStatusChange(deviceId, online, reason, at);
    }

    private static DateTimeOffset? LastSeen(Entry entry)
    {
        var ticks = Volatile.Read(ref entry.LastSeenTicks);
        return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    private sealed class Entry
    {
        public bool Online;
        public DateTimeOffset? Since;
        public string? LastReported;
        public DeviceConnection? Connection;
        public long LastSeenTicks;
    }
}
