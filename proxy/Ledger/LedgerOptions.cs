using System.ComponentModel.DataAnnotations;

namespace Facade.Proxy.Ledger;

/// <summary><c>Facade:Ledger</c>: how the edge keeps its in-memory view of the token ledger current.</summary>
public sealed class LedgerOptions
{
    public const string SectionName = "Facade:Ledger";

    /// <summary>
    /// How long an edge trusts its remembered "not revoked" for a token before reading the ledger again. Revocations
    /// made in this process apply on the next request; this bounds how long one made by another process (the admin
    /// commands, another edge node) takes to apply. Zero reads the database on every request.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan RevocationCheckInterval { get; set; } = TimeSpan.FromSeconds(1);
}
