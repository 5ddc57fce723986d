using System.Text.RegularExpressions;
using Facade.Common;
using Facade.Proxy.Audit;
using Facade.Proxy.Data;
using Facade.Proxy.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.ApiKeys;

/// <summary>What a new key should be; <see cref="OperatorGrant"/> only from the admin command line.</summary>
internal sealed record NewApiKey(FacadeUser Owner, string Label, IReadOnlyList<string> Scopes, string? AgentId, DateTimeOffset? ExpiresAt, bool OperatorGrant = false);

/// <summary>A refusal to make a key: an OAuth-style error code and a sentence saying what to change.</summary>
internal sealed record ApiKeyRefusal(string Error, string Description);

/// <summary>
/// Makes, lists and revokes keys (the REST endpoints and the admin command line share it). Scopes are checked against
/// the owner's allowance here; the REST endpoint also caps them by the token that asks.
/// </summary>
internal sealed partial class ApiKeyStore(
    IServiceScopeFactory scopes,
    ApiKeyFormat format,
    ApiKeyHasher hasher,
    TokenLedger ledger,
    IOptions<ApiKeyOptions> options,
    TimeProvider time,
    AuditLog audit,
    ApiKeyAuthenticator? authenticator = null)
{
    public const int MaxLabelLength = 100;

    public async Task<(ApiKey? Created, string? Key, ApiKeyRefusal? Refusal)> CreateAsync(NewApiKey request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        if (Check(request, now) is { } refusal)
        {
            return (null, null, refusal);
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacadeDbContext>();
        var live = await db.ApiKeys.CountAsync(k => k.UserId == request.Owner.Id && k.RevokedAt == null, cancellationToken);
        if (live >= options.Value.MaxKeysPerUser)
        {
            return (null, null, new ApiKeyRefusal("too_many_keys",
                $"This user already has {live} keys, the most allowed ({ApiKeyOptions.SectionName}:MaxKeysPerUser); revoke one first."));
        }

        var key = format.NewKey(request.AgentId is null ? ApiKeyKind.User : ApiKeyKind.Agent);
        var entity = new ApiKey
        {
            Id = ApiKeyFormat.NewId(),
            UserId = request.Owner.Id,
            AgentId = request.AgentId,
            Label = request.Label,
            Scopes = string.Join(' ', request.Scopes.Distinct(StringComparer.Ordinal)),
            Hash = hasher.Hash(key),
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt,
        };
        db.ApiKeys.Add(entity);
        await db.SaveChangesAsync(cancellationToken);
        audit.KeyCreated(entity.Id, entity.UserId, entity.AgentId, entity.Scopes);
        return (entity, key, null);
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(string? userId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacadeDbContext>();
        var query = db.ApiKeys.AsNoTracking();
        if (userId is not null)
        {
            query = query.Where(k => k.UserId == userId);
        }

        var keys = await query.ToListAsync(cancellationToken);
        return [.. keys.OrderBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Revokes a key and every token minted from it (the revocation feed then tells the adapter and the device edge).
    /// With <paramref name="ownerId"/>, only that user's key: another user's key is as unknown as a missing one.
    /// </summary>
    /// <returns>The key (null when there is none for that owner), and whether it was live until now. Revoking twice is harmless.</returns>
    public async Task<(ApiKey? Key, bool WasLive, int Tokens)> RevokeAsync(string id, string? ownerId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacadeDbContext>();
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id && (ownerId == null || k.UserId == ownerId), cancellationToken);
        if (key is null)
        {
            return (null, false, 0);
        }

        var wasLive = key.RevokedAt is null;
        if (wasLive)
        {
            key.RevokedAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }

        var tokens = await ledger.RevokeByKeyAsync(key.Id, cancellationToken);
        authenticator?.Forget(key.Id);
        if (wasLive)
        {
            audit.KeyRevoked(key.Id, key.UserId, tokens);
        }

        return (key, wasLive, tokens);
    }

    private ApiKeyRefusal? Check(NewApiKey request, DateTimeOffset now)
    {
        if (request.Label.Length > MaxLabelLength || request.Label.Any(char.IsControl))
        {
            return new("invalid_request", $"The label must be at most {MaxLabelLength} characters without control characters.");
        }

        if (request.AgentId is { } agentId && !AgentIdPattern().IsMatch(agentId))
        {
            return new("invalid_request", "agentId must be 1 to 64 letters, digits, '_' or '-'.");
        }

        if (request.ExpiresAt is { } expires && expires <= now)
        {
            return new("invalid_request", "expiresAt must be in the future.");
        }

        if (request.Scopes.Count == 0)
        {
            return new("invalid_scope", "A key needs at least one scope.");
        }

        if (request.Scopes.Contains(ScopeCatalog.RealtimeFeed, StringComparer.Ordinal))
        {
            return new("invalid_scope", $"'{ScopeCatalog.RealtimeFeed}' belongs to the edge's own service token; no key may carry it.");
        }

        var serve = request.Scopes.Contains(ScopeCatalog.AgentsServe, StringComparer.Ordinal);
        if (serve && !request.OperatorGrant)
        {
            return new("invalid_scope", $"'{ScopeCatalog.AgentsServe}' is given only by the operator (admin command line: keys create --agent).");
        }

        if (serve && request.AgentId is null)
        {
            return new("invalid_scope", $"'{ScopeCatalog.AgentsServe}' belongs on an agent key: add --agent.");
        }

        var unknown = request.Scopes.Where(s => !ScopeCatalog.IsKnown(s) && s != ScopeCatalog.AgentsServe).ToList();
        if (unknown.Count > 0)
        {
            return new("invalid_scope", $"Unknown scope(s): {string.Join(' ', unknown)}.");
        }

        var beyond = request.Scopes.Where(s => s != ScopeCatalog.AgentsServe && !ScopeAllowance.Permits(request.Owner, s)).ToList();
        return beyond.Count > 0
            ? new("invalid_scope", $"The user may not hold: {string.Join(' ', beyond)}.")
            : null;
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex AgentIdPattern();
}
