using System.Collections.Concurrent;
using Facade.Proxy.Edge;
using StackExchange.Redis;

namespace Facade.Proxy.Cluster;

/// <summary>
/// Rate-limit windows counted across every edge through Redis. Windows are aligned to the clock (every node agrees
/// which window a request falls in); each node admits a request while the cluster-wide count it last learned plus its
/// own not yet sent requests is under the limit, and every <see cref="SyncInterval"/> sends its new requests
/// (<c>INCRBY</c>, which answers the new total) and re-reads the windows used in the last second. So the hot path never
/// waits for Redis, and a caller spread over N nodes can exceed the limit by at most what it sends in one interval on
/// the other nodes. Without a Redis connection every node keeps its own window as before (per-node limits).
/// </summary>
internal sealed partial class SharedRateLimits(RedisRevocationBus redis, TimeProvider time, ILogger<SharedRateLimits> logger) : BackgroundService
{
    public static readonly TimeSpan SyncInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Recent = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<(string Policy, CallerKey Caller), Window> _windows = new();
    private long _syncs;

    /// <summary>Takes one request of the caller's current window, or says when the window ends.</summary>
    public bool TryTake(string policyName, CallerKey caller, RateLimitPolicy policy, out TimeSpan retryAfter)
    {
        var now = time.GetUtcNow().UtcTicks;
        var index = now / policy.Window.Ticks;

        // The hot path only reads the dictionary: AddOrUpdate locks the key's bucket even when it keeps the value, and
        // every request of one caller would queue on that lock.
        if (!_windows.TryGetValue((policyName, caller), out var window) || window.Index != index)
        {
            window = _windows.AddOrUpdate((policyName, caller),
                static (_, state) => new Window(state.index, state.policy.Window),
                static (_, existing, state) => existing.Index == state.index ? existing : new Window(state.index, state.policy.Window),
                (index, policy));
        }

        if (window.TryTake(policy.PermitLimit, now))
        {
            retryAfter = TimeSpan.Zero;
            return true;
        }

        retryAfter = TimeSpan.FromTicks(((index + 1) * policy.Window.Ticks) - now);
        return false;
    }

    /// <summary>Requests taken here and not yet counted in Redis (zero once a sync has sent them).</summary>
    public long Unsent => _windows.Values.Sum(w => w.Pending);

    /// <summary>Syncs completed so far (one every <see cref="SyncInterval"/>).</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SyncInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SyncAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SyncAsync()
    {
        var now = time.GetUtcNow().UtcTicks;
        var database = redis.Database;
        var sends = new List<Task>();
        foreach (var ((policy, caller), window) in _windows)
        {
            if (window.Ends <= now)
            {
                _windows.TryRemove(new KeyValuePair<(string, CallerKey), Window>((policy, caller), window));
                continue;
            }

            if (database is null || (window.Pending == 0 && now - window.LastUsed > Recent.Ticks))
            {
                continue;
            }

            var key = new RedisKey($"facade:rl:{policy}:{caller}:{window.Index}");
            var taken = window.TakePending();
            sends.Add(SendAsync(database, key, window, taken));
        }

        await Task.WhenAll(sends);
        Interlocked.Increment(ref _syncs);
    }

    private async Task SendAsync(IDatabase database, RedisKey key, Window window, long taken)
    {
        try
        {
            if (taken == 0)
            {
                window.Learn((long?)await database.StringGetAsync(key) ?? 0);
                return;
            }

            var total = await database.StringIncrementAsync(key, taken);
            await database.KeyExpireAsync(key, window.Length * 2, ExpireWhen.HasNoExpiry);
            window.Learn(total);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            window.Unsend(taken); // counted again at the next sync
            LogSyncFailed(logger, exception.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shared rate limits: a sync with Redis failed ({Error}); this node counts alone until it works")]
    private static partial void LogSyncFailed(ILogger logger, string error);

    /// <summary>
    /// One caller's window on this node: <c>known</c> is the cluster-wide count last learned (plus what this node sent
    /// since), <c>pending</c> what it took and has not sent. Lock-free: the request path only adds to <c>pending</c>;
    /// between a sync's two steps a request may see a count one sync short, which the limit's stated slack covers.
    /// </summary>
    private sealed class Window(long index, TimeSpan length)
    {
        private long _known;
        private long _pending;
        private long _lastUsed;

        public long Index { get; } = index;

        public TimeSpan Length { get; } = length;

        public long Ends { get; } = (index + 1) * length.Ticks;

        public long LastUsed => Volatile.Read(ref _lastUsed);

        public long Pending => Volatile.Read(ref _pending);

        public bool TryTake(int limit, long now)
        {
            Volatile.Write(ref _lastUsed, now);
            var pending = Interlocked.Increment(ref _pending);
            if (Volatile.Read(ref _known) + pending > limit)
            {
                Interlocked.Decrement(ref _pending);
                return false;
            }

            return true;
        }

        public long TakePending()
        {
            var taken = Interlocked.Exchange(ref _pending, 0);
            Interlocked.Add(ref _known, taken); // ours, until Redis answers the total
            return taken;
        }

        public void Learn(long total)
        {
            var known = Volatile.Read(ref _known);
            while (total > known)
            {
                var seen = Interlocked.CompareExchange(ref _known, total, known);
                if (seen == known)
                {
                    return;
                }

                known = seen;
            }
        }

        public void Unsend(long taken)
        {
            Interlocked.Add(ref _known, -taken);
            Interlocked.Add(ref _pending, taken);
        }
    }
}
