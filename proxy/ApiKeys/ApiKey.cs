using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Facade.Proxy.ApiKeys;

/// <summary>
/// One API key (<c>api_keys</c>): a user key, or an agent key when <see cref="AgentId"/> is set. Only the keyed hash of
/// the key is stored (<see cref="ApiKeyHasher"/>); the key itself is shown once, when it is made.
/// </summary>
public sealed class ApiKey
{
    public required string Id { get; set; }

    public required string UserId { get; set; }

    public string? AgentId { get; set; }

    public string Label { get; set; } = "";

    /// <summary>Space-separated; what a minted token carries is these ∩ what the owner may hold at that moment.</summary>
    public string Scopes { get; set; } = "";

    /// <summary>HMAC-SHA256 of the key under the pepper, base64url.</summary>
    public required string Hash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public bool IsAgentKey => AgentId is not null;

    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    internal static void Configure(EntityTypeBuilder<ApiKey> entity)
    {
        entity.ToTable("api_keys");
        entity.HasKey(k => k.Id);
        entity.Property(k => k.Id).HasColumnName("id").HasMaxLength(40);
        entity.Property(k => k.UserId).HasColumnName("user_id").HasMaxLength(450);
        entity.Property(k => k.AgentId).HasColumnName("agent_id").HasMaxLength(64);
        entity.Property(k => k.Label).HasColumnName("label").HasMaxLength(100);
        entity.Property(k => k.Scopes).HasColumnName("scopes").HasMaxLength(2000);
        entity.Property(k => k.Hash).HasColumnName("hash").HasMaxLength(64);
        entity.Property(k => k.CreatedAt).HasColumnName("created");
        entity.Property(k => k.ExpiresAt).HasColumnName("expires");
        entity.Property(k => k.LastUsedAt).HasColumnName("last_used");
        entity.Property(k => k.RevokedAt).HasColumnName("revoked");
        entity.Ignore(k => k.IsAgentKey);
        entity.Ignore(k => k.ScopeList);
        entity.HasIndex(k => k.Hash).IsUnique();
        entity.HasIndex(k => k.UserId);
    }
}
