using System.ComponentModel.DataAnnotations;

namespace Facade.Proxy.Cluster;

/// <summary>
/// <c>Facade:Redis</c>: the revocation bus and the shared rate-limit windows between edge nodes. Without
/// <see cref="Configuration"/> there are neither: each node reads the shared ledger again after
/// <c>Facade:Ledger:RevocationCheckInterval</c> and counts rate limits alone.
/// </summary>
public sealed class RedisOptions
{
    public const string SectionName = "Facade:Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>redis:6379,password=…</c>; empty: no bus.</summary>
    public string? Configuration { get; set; }

    /// <summary>The pub/sub channel the nodes revoke on; nodes of one cluster share it, clusters on one Redis must not.</summary>
    [Required]
    public string Channel { get; set; } = "facade:revocations";

    /// <summary>
    /// While the bus is connected, how long a node trusts its remembered "not revoked" before reading the ledger
    /// again: revocations arrive on the bus at once, so this only bounds a message lost between nodes (a node cut
    /// off from Redis alone). While it is not connected the node falls back to the ledger interval.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan TrustWhileConnected { get; set; } = TimeSpan.FromSeconds(5);
}
