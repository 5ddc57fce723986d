using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Facade.Proxy.Edge;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.Realtime;

/// <summary>
/// Every open realtime connection, indexed three ways: by route (so an event costs one lookup and one enqueue per
/// subscriber of its channel, its bytes encoded once), by token jti (so the revocation loop closes what a revoked
/// token holds), and by user (the per-user connection limit).
/// </summary>
internal sealed partial class RealtimeHub : IDisposable
{
    public const string MeterName = "Facade.Realtime";

    private readonly ConcurrentDictionary<long, RealtimeConnection> _connections = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<long, RealtimeConnection>> _byRoute = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<long, RealtimeConnection>> _byJti = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perUser = new(StringComparer.Ordinal);
    private readonly Lock _perUserLock = new();
    private readonly Lock _indexLock = new();
    private readonly IOptions<RealtimeOptions> _options;
    private readonly ILogger<RealtimeHub> _logger;
    private readonly Meter _meter;
    private readonly Counter<long> _slowConsumers;
    private readonly Counter<long> _events;
    private int _peakBuffered;
    private long _slowConsumerCount;

    public RealtimeHub(IOptions<RealtimeOptions> options, IMeterFactory meters, ILogger<RealtimeHub> logger)
    {
        _options = options;
        _logger = logger;
        _meter = meters.Create(MeterName);
        _meter.CreateObservableGauge("facade.realtime.connections", () => _connections.Count, description: "Open realtime connections");
        _meter.CreateObservableGauge("facade.realtime.buffered_messages.peak", () => PeakBufferedMessages,
            description: "Most messages ever waiting for one client (bounded by Facade:Realtime:SendBufferMessages)");
        _slowConsumers = _meter.CreateCounter<long>("facade.realtime.slow_consumers", description: "Connections closed with 4408 slow_consumer");
        _events = _meter.CreateCounter<long>("facade.realtime.events", description: "Events received from the device edge's feed");
    }

    public int Connections => _connections.Count;

    /// <summary>The largest number of messages ever queued for one client: never above the configured bound.</summary>
    public int PeakBufferedMessages => Volatile.Read(ref _peakBuffered);

    public long SlowConsumersClosed => Interlocked.Read(ref _slowConsumerCount);

    /// <summary>A new connection for <paramref name="caller"/>, or null when its user holds the most connections allowed.</summary>
    public RealtimeConnection? TryOpen(EdgeCaller caller, string subject, string credential)
    {
        lock (_perUserLock)
        {
            var open = _perUser.GetValueOrDefault(subject);
            if (open >= _options.Value.MaxConnectionsPerUser)
            {
                return null;
            }

            _perUser[subject] = open + 1;
        }

        var connection = new RealtimeConnection(caller, subject, credential, _options.Value.SendBufferMessages, ReportBuffered);
        _connections[connection.Id] = connection;
        Index(_byJti, caller.Jti, connection);
        _ = connection.Closed.ContinueWith(closed => OnClosing(connection, closed.Result), TaskScheduler.Default);
        return connection;
    }

    /// <summary>Forgets a connection that ended.</summary>
    public void Remove(RealtimeConnection connection)
    {
        if (!_connections.TryRemove(connection.Id, out _))
        {
            return;
        }

        connection.Close(CloseReason.Normal);
        foreach (var channel in connection.Subscriptions.Values)
        {
            Unindex(_byRoute, channel.RouteKey, connection);
        }

        Unindex(_byJti, connection.Caller.Jti, connection);
        lock (_perUserLock)
        {
            if (_perUser.TryGetValue(connection.Subject, out var open))
            {
                if (open <= 1)
                {
                    _perUser.Remove(connection.Subject);
                }
                else
                {
                    _perUser[connection.Subject] = open - 1;
                }
            }
        }
    }

    public void Subscribe(RealtimeConnection connection, RealtimeChannel channel)
    {
        if (connection.Subscriptions.TryAdd(channel.Name, channel))
        {
            Index(_byRoute, channel.RouteKey, connection);
        }
    }

    public bool Unsubscribe(RealtimeConnection connection, string channelName)
    {
        if (!connection.Subscriptions.TryRemove(channelName, out var channel))
        {
            return false;
        }

        Unindex(_byRoute, channel.RouteKey, connection);
        return true;
    }

    /// <summary>A key connection renewed its token: revocations now concern the new jti.</summary>
    public void Replace(RealtimeConnection connection, EdgeCaller caller)
    {
        var previous = connection.Caller.Jti;
        connection.Replace(caller);
        Index(_byJti, caller.Jti, connection);
        Unindex(_byJti, previous, connection);
    }

    public bool HasSubscribers(string route) => _byRoute.TryGetValue(route, out var subscribers) && !subscribers.IsEmpty;

    /// <summary>Queues <paramref name="message"/> for every subscriber of <paramref name="route"/> (never waits).</summary>
    public void Publish(string route, OutboundMessage message)
    {
        _events.Add(1);
        if (_byRoute.TryGetValue(route, out var subscribers))
        {
            foreach (var connection in subscribers.Values)
            {
                connection.TryEnqueue(message);
            }
        }
    }

    /// <summary>Closes every connection holding the token <paramref name="jti"/>.</summary>
    public int CloseByJti(string jti, CloseReason reason)
    {
        var closed = 0;
        if (_byJti.TryGetValue(jti, out var holders))
        {
            foreach (var connection in holders.Values)
            {
                closed += connection.Close(reason) ? 1 : 0;
            }
        }

        return closed;
    }

    public void CloseAll(CloseReason reason)
    {
        foreach (var connection in _connections.Values)
        {
            connection.Close(reason);
        }
    }

    public void Dispose() => _meter.Dispose();

    private void OnClosing(RealtimeConnection connection, CloseReason reason)
    {
        if (reason == CloseReason.SlowConsumer)
        {
            Interlocked.Increment(ref _slowConsumerCount);
            _slowConsumers.Add(1);
        }

        LogClosing(_logger, connection.Id, reason.Code, reason.Reason);
    }

    private void ReportBuffered(int count)
    {
        var peak = Volatile.Read(ref _peakBuffered);
        while (count > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peakBuffered, count, peak);
            if (seen == peak)
            {
                return;
            }

            peak = seen;
        }
    }

    // Subscribing and unsubscribing are rare next to publishing: one lock keeps an empty set from being dropped while
    // another connection joins it; Publish reads the sets without it.
    private void Index(ConcurrentDictionary<string, ConcurrentDictionary<long, RealtimeConnection>> index, string key, RealtimeConnection connection)
    {
        lock (_indexLock)
        {
            index.GetOrAdd(key, _ => new ConcurrentDictionary<long, RealtimeConnection>())[connection.Id] = connection;
        }
    }

    private void Unindex(ConcurrentDictionary<string, ConcurrentDictionary<long, RealtimeConnection>> index, string key, RealtimeConnection connection)
    {
        lock (_indexLock)
        {
            if (index.TryGetValue(key, out var set) && set.TryRemove(connection.Id, out _) && set.IsEmpty)
            {
                index.TryRemove(key, out _);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Realtime connection {ConnectionId} closing: {Code} {Reason}")]
    private static partial void LogClosing(ILogger logger, long connectionId, int code, string reason);
}
