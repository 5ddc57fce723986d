using System.ComponentModel.DataAnnotations;

namespace Facade.Proxy.Edge;

/// <summary>
/// <c>Facade:RateLimits</c>: named fixed-window policies that routes in yarp.json pick with <c>RateLimiterPolicy</c>.
/// Each caller gets its own window: per access token when one is sent, else per client address.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "Facade:RateLimits";

    public Dictionary<string, RateLimitPolicy> Policies { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["per-caller"] = new RateLimitPolicy(),
    };
}

public sealed class RateLimitPolicy
{
    [Range(1, 10_000_000)]
    public int PermitLimit { get; set; } = 6000;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
