using System.Diagnostics.Metrics;

namespace Facade.Proxy.Hosting;

/// <summary>
/// The edge's own metrics (meter <c>Facade.Edge</c>, exported with the rest when a collector is configured): access
/// tokens issued, by ledger label (<c>oauth</c>, <c>first-party</c>, <c>key</c>, <c>service</c> …), and proxied requests
/// refused by a rate limit, by policy. Request counts and durations come from ASP.NET Core's own meters.
/// </summary>
public sealed class EdgeMetrics
{
    public const string MeterName = "Facade.Edge";

    private readonly Counter<long> _tokensIssued;
    private readonly Counter<long> _rateLimited;

    public EdgeMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _tokensIssued = meter.CreateCounter<long>("facade.tokens.issued", unit: "{token}", description: "Access tokens issued, by ledger label.");
        _rateLimited = meter.CreateCounter<long>("facade.ratelimit.rejected", unit: "{request}", description: "Proxied requests refused with 429, by rate-limit policy.");
    }

    public void TokenIssued(string label) => _tokensIssued.Add(1, new KeyValuePair<string, object?>("label", label));

    public void RateLimited(string? policy) => _rateLimited.Add(1, new KeyValuePair<string, object?>("policy", policy ?? "none"));
}
