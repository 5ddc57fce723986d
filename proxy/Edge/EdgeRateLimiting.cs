using System.IO.Hashing;
using System.Text;
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

    private static string PartitionKey(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        return authorization.Length > 0
            ? "t:" + XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(authorization)).ToString("x16", System.Globalization.CultureInfo.InvariantCulture)
            : "a:" + context.Connection.RemoteIpAddress;
    }
}
