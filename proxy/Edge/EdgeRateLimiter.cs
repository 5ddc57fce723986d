using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Net;
using System.Threading.RateLimiting;
using Facade.Common.Tokens;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.Edge;

/// <summary>
/// Applies a route's <c>RateLimiterPolicy</c> (one of <see cref="RateLimitOptions.Policies"/>) inside the edge step,
/// after authentication, so a caller is the token the edge validated (the SHA-256 it already computed), however
/// the header spelled it. Requests without a valid token (none, garbage, revoked, anonymous routes) share their
/// address's window, so invented tokens cannot open windows of their own. Built on System.Threading.RateLimiting:
/// one fixed-window limiter per caller, created on first use and dropped by the partitioned limiter's own timer
/// once its window has refilled and stayed unused for ten seconds, so partitions stay bounded by the callers active
/// in the last window. The success path allocates nothing.
/// </summary>
internal sealed class EdgeRateLimiter : IDisposable
{
    private readonly FrozenDictionary<string, Policy> _policies;

    public EdgeRateLimiter(IOptions<RateLimitOptions> options)
    {
        _policies = options.Value.Policies.ToFrozenDictionary(p => p.Key, p => new Policy(p.Value), StringComparer.OrdinalIgnoreCase);
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
        if (lease.IsAcquired)
        {
            return true;
        }

        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : policy.Window;
        return false;
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

        public TimeSpan Window { get; }

        public PartitionedRateLimiter<CallerKey> Limiter { get; }
    }

    /// <summary>A validated token (by its hash) or an address; a struct, so no strings per request.</summary>
    private readonly record struct CallerKey(TokenHash Token, UInt128 Address, bool IsAddress)
    {
        public static CallerKey ForToken(TokenHash token) => new(token, UInt128.Zero, IsAddress: false);

        /// <summary>IPv4 (also IPv4-mapped IPv6) by address; IPv6 by its /64, the block one subscriber gets.</summary>
        public static CallerKey ForAddress(IPAddress? address)
        {
            Span<byte> bytes = stackalloc byte[16];
            if (address is null || !address.TryWriteBytes(bytes, out var written))
            {
                return new CallerKey(default, UInt128.Zero, IsAddress: true);
            }

            if (written == 4 || address.IsIPv4MappedToIPv6)
            {
                var v4 = BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(written - 4, 4));
                return new CallerKey(default, new UInt128(0, 0xFFFF_0000_0000UL | v4), IsAddress: true);
            }

            return new CallerKey(default, new UInt128(BinaryPrimitives.ReadUInt64BigEndian(bytes), 0), IsAddress: true);
        }
    }
}
