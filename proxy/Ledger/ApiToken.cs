using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Facade.Proxy.Ledger;

/// <summary>One issued access token in the ledger (<c>api_tokens</c>). Only identifiers are stored, never the token itself.</summary>
public sealed class ApiToken
{
    public const string OAuthLabel = "oauth";
    public const string FirstPartyLabel = "first-party";
    public const string ApiKeyLabel = "api-key";

    /// <summary>A token the edge minted for one of its own services (the realtime feed's reader), held by no user.</summary>
    public const string ServiceLabel = "service";

    public required string Jti { get; set; }
    public required string Subject { get; set; }
    public string? ClientId { get; set; }
    public required string Label { get; set; }
    public string Scopes { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>
    /// The token's position in the revocation feed (<c>GET /oauth/revocations</c>), set with <see cref="RevokedAt"/>:
    /// one more than the highest so far, taken inside the revoking UPDATE so that, with SQLite's single writer, feed
    /// order is commit order. Tokens revoked together share it (the jti breaks the tie).
    /// </summary>
    public long? RevocationSequence { get; set; }

    /// <summary>The OpenIddict authorization (grant) the token belongs to: revoking the grant revokes its family.</summary>
    public string? AuthorizationId { get; set; }

    /// <summary>The OpenIddict token entry of this access token.</summary>
    public string? TokenId { get; set; }

    /// <summary>The API key this token was minted from (label <see cref="ApiKeyLabel"/>): revoking the key revokes it.</summary>
    public string? KeyId { get; set; }

    /// <summary>When the edge last accepted the token, to the minute (<see cref="TokenLastUse"/>); null before its first use.</summary>
    public DateTimeOffset? LastUsedAt { get; set; }

    internal static void Configure(EntityTypeBuilder<ApiToken> entity)
    {
        entity.ToTable("api_tokens");
        entity.HasKey(t => t.Jti);
        entity.Property(t => t.Jti).HasColumnName("jti").HasMaxLength(100);
        entity.Property(t => t.Subject).HasColumnName("subject").HasMaxLength(400);
        entity.Property(t => t.ClientId).HasColumnName("client").HasMaxLength(400);
        entity.Property(t => t.Label).HasColumnName("label").HasMaxLength(20);
        entity.Property(t => t.Scopes).HasColumnName("scopes").HasMaxLength(2000);
        entity.Property(t => t.CreatedAt).HasColumnName("created");
        entity.Property(t => t.ExpiresAt).HasColumnName("expires");
        entity.Property(t => t.RevokedAt).HasColumnName("revoked");
        entity.Property(t => t.RevocationSequence).HasColumnName("revoked_seq");
        entity.Property(t => t.AuthorizationId).HasColumnName("authorization_id").HasMaxLength(100);
        entity.Property(t => t.TokenId).HasColumnName("token_id").HasMaxLength(100);
        entity.Property(t => t.KeyId).HasColumnName("key_id").HasMaxLength(40);
        entity.Property(t => t.LastUsedAt).HasColumnName("last_used");
        entity.HasIndex(t => t.AuthorizationId);
        entity.HasIndex(t => t.KeyId);
        entity.HasIndex(t => t.TokenId);
        entity.HasIndex(t => t.Subject);
        entity.HasIndex(t => new { t.RevocationSequence, t.Jti });
    }
}
