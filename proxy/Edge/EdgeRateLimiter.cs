using System.Collections.Frozen;
using System.Net;
using Facade.Proxy.Cluster;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.Edge;

/// <summary>
/// Applies a route's <c>RateLimiterPolicy</c> (one of <see cref="RateLimitOptions.Policies"/>) inside the edge step,
/// after authentication, so a caller is the token the edge validated (the SHA-256 it already computed), however
/// the header spelled it. Requests without a valid token (none, garbage, revoked, anonymous routes) share their
/// address's window, so invented tokens cannot open windows of their own. Built on System.Threading.RateLimiting:
/// one fixed-window limiter per caller, created on first use and dropped by the partitioned limiter's own timer
/// once its window has refilled and stayed unused for ten seconds, so partitions stay bounded by the callers active
/// in the last window. The success path allocates nothing. With Redis the same windows are also counted cluster-wide
/// (<see cref="SharedRateLimits"/>), so N edges together allow a caller one <c>PermitLimit</c>, not N.
/// </summary>
internal sealed class EdgeRateLimiter : IDisposable
{
    private readonly FrozenDictionary<string, Policy> _policies;
    private readonly SharedRateLimits? _shared;

    /// <param name="shared">With Redis (<c>Facade:Redis</c>): the cluster-wide count every node also checks.</param>
    public EdgeRateLimiter(IOptions<RateLimitOptions> options, SharedRateLimits? shared = null)
    {
        _policies = options.Value.Policies.ToFrozenDictionary(p => p.Key, p => new Policy(p.Value), StringComparer.OrdinalIgnoreCase);
        _shared = shared;
    }

    /// <summary>
    /// False when the caller is over <paramref name="policyName"/>'s limit; <paramref name="retryAfter"/> then says
    /// when to come back. A null policy (the route names none) never limits.
    /// </summary>
    public bool TryAcquire(string? policyName, EdgeCaller? caller, IPAddress? address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;

        // Routes are checked against the configured policies (EdgeConfigFilter), so a name is always found here.
        if (policyName is null || !_policies.TryGetValue(policyName, out var policy))
        {
            return true;
        }

        var key = caller is not null ? CallerKey.ForToken(caller.TokenHash) : CallerKey.ForAddress(address);
        using var lease = policy.Limiter.AttemptAcquire(key);
        if (!lease.IsAcquired)
        {
            retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : policy.Window;
            return false;
        }

        if (_shared is not null && !_shared.TryTake(policyName, key, policy.Settings, out retryAfter))
        {
            return false;
        }

        return true;
    }

    public void Dispose()
    {
        foreach (var policy in _policies.Values)
        {
            policy.Limiter.Dispose();
        }
    }

    private sealed class Policy
    {
        public Policy(RateLimitPolicy policy)
        {
            Settings = policy;
            Window = policy.Window;
            var options = new FixedWindowRateLimiterOptions
            {
                PermitLimit = policy.PermitLimit,
                Window = policy.Window,
                QueueLimit = 0,

                // The partitioned limiter replenishes every partition from its one timer; no timer per caller.
                AutoReplenishment = false,
            };
            Func<CallerKey, RateLimiter> create = _ => new FixedWindowRateLimiter(options);
            Limiter = PartitionedRateLimiter.Create<CallerKey, CallerKey>(key => new RateLimitPartition<CallerKey>(key, create));
        }

        public RateLimitPolicy Settings { get; }

        public TimeSpan Window { get; }

        public PartitionedRateLimiter<CallerKey> Limiter { get; }
    }
}
