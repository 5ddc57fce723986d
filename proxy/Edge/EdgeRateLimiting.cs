using System.IO.Hashing;
using System.Net;
using System.Runtime.InteropServices;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Facade.Proxy.Edge;

/// <summary>
/// Registers the configured policies with ASP.NET Core's rate limiter. The limiter runs before the edge has
/// authenticated the request, so callers are told apart by a hash of their bearer token (never the token itself),
/// or by address when they send none.
/// </summary>
internal static class EdgeRateLimiting
{
    public static void AddPolicies(RateLimiterOptions limiter, RateLimitOptions options)
    {
        foreach (var (name, policy) in options.Policies)
        {
            limiter.AddPolicy(name, context => RateLimitPartition.GetFixedWindowLimiter(
                PartitionKey(context),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = policy.PermitLimit, Window = policy.Window, QueueLimit = 0 }));
        }
    }

    private static CallerKey PartitionKey(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization;
        return authorization.Count > 0
            ? new CallerKey(XxHash3.HashToUInt64(MemoryMarshal.AsBytes(authorization.ToString().AsSpan())), null)
            : new CallerKey(0, context.Connection.RemoteIpAddress);
    }

    /// <summary>A caller: the hash of its Authorization header, or its address when it sent none. No strings per request.</summary>
    private readonly record struct CallerKey(ulong TokenHash, IPAddress? Address);
}
