using System.Collections.Concurrent;
using Facade.Proxy.Audit;
using Facade.Proxy.Data;
using Facade.Proxy.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.Ledger;

/// <summary>
/// The token ledger. Every issued access token's jti is recorded; the edge asks <see cref="IsActiveAsync"/> on each
/// request. Answers are remembered in memory and flipped at once when this process revokes a token, so such a
/// revocation takes effect on the next request without a database read per request. Another process (the admin
/// commands, another edge node) revokes in the database only: a remembered "active" is therefore read again once it
/// is older than <see cref="LedgerOptions.RevocationCheckInterval"/>; a remembered "revoked" is final.
/// </summary>
public sealed class TokenLedger(IServiceScopeFactory scopes, TimeProvider time, IOptions<LedgerOptions> options, AuditLog audit, EdgeMetrics metrics)
{
    private long _recheckTicks = options.Value.RevocationCheckInterval.Ticks;
    private const int PruneThreshold = 100_000;

    /// <summary>The PostgreSQL advisory lock key that orders revocations (any fixed number no other code uses).</summary>
    private const long RevocationFeedLock = 0x46616361646552; // "FacadeR"
    private readonly ConcurrentDictionary<string, CachedState> _cache = new(StringComparer.Ordinal);

    /// <summary>Raised with the jtis this process revoked, after the ledger committed them (the revocation bus publishes them).</summary>
    public event Action<IReadOnlyList<string>>? Revoked;

    /// <summary>How long a remembered "not revoked" is trusted before the ledger is read again (the revocation bus lengthens it while connected).</summary>
    public void TrustActiveFor(TimeSpan interval) => Volatile.Write(ref _recheckTicks, interval.Ticks);

    /// <summary>Revocations another node announced: the remembered tokens among them are revoked at once (the others are read when seen).</summary>
    public void ApplyRevocations(IEnumerable<string> jtis)
    {
        ArgumentNullException.ThrowIfNull(jtis);
        foreach (var jti in jtis)
        {
            if (_cache.TryGetValue(jti, out var state) && !state.Revoked)
            {
                _cache[jti] = state with { Revoked = true };
            }
        }
    }

    /// <summary>Forgets every remembered "not revoked" (after announcements may have been missed): the next use reads the ledger.</summary>
    public void ForgetActive()
    {
        foreach (var (jti, state) in _cache)
        {
            if (!state.Revoked)
            {
                _cache.TryRemove(new KeyValuePair<string, CachedState>(jti, state));
            }
        }
    }

    public async Task RecordAsync(ApiToken token, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacadeDbContext>();
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
        Remember(token.Jti, token.ExpiresAt, revoked: false);
        audit.TokenIssued(token.Jti, token.Subject, token.ClientId, token.Label, token.Scopes);
        metrics.TokenIssued(token.Label);
    }

    /// <summary>
    /// Adds the row to <paramref name="db"/> without saving it: it is written by the next <c>SaveChanges</c> of that
    /// context, in the same commit as whatever else is pending there (the authorization server saves its token entries
    /// in the request's context; see <see cref="LedgerSignInHandler"/>).
    /// </summary>
    public void Enlist(ApiToken token, FacadeDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        db.ApiTokens.Add(token);
        Remember(token.Jti, token.ExpiresAt, revoked: false);
        audit.TokenIssued(token.Jti, token.Subject, token.ClientId, token.Label, token.Scopes);
        metrics.TokenIssued(token.Label);
    }

    /// <summary>True when the jti was issued by us, is not revoked and has not expired. Unknown jtis are not active.</summary>
    public async ValueTask<bool> IsActiveAsync(string? jti, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(jti) || jti.Length > 100)
        {
            return false;
        }

        var now = time.GetUtcNow();
        if (_cache.TryGetValue(jti, out var cached) && (cached.Revoked || (now - cached.CheckedAt).Ticks < Volatile.Read(ref _recheckTicks)))
        {
            return !cached.Revoked && cached.ExpiresAt > now;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacadeDbContext>();
        var row = await db.ApiTokens.AsNoTracking()
            .Where(t => t.Jti == jti)
            .Select(t => new { t.ExpiresAt, t.RevokedAt })
            .SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return false;
        }

        Remember(jti, row.ExpiresAt, row.RevokedAt is not null);
        return row.RevokedAt is null && row.ExpiresAt > now;
    }

    /// <summary>The ledger label of a token (<c>oauth</c>, <c>first-party</c>, <c>api-key</c>), or null when unknown.</summary>
    public async Task<string?> LabelOfAsync(string jti, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacadeDbContext>();
        return await db.ApiTokens.AsNoTracking().Where(t => t.Jti == jti).Select(t => t.Label).SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// One page of a subject's tokens, newest first: only the live ones (not revoked, not expired), or with
    /// <paramref name="includeEnded"/> the revoked and expired ones too. SQLite cannot order or compare
    /// <see cref="DateTimeOffset"/> columns, so the subject's rows are filtered and ordered here (by its index).
    /// </summary>
    public async Task<LedgerPage> ListOfSubjectAsync(string subject, bool includeEnded, int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(take);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacadeDbContext>();
        var query = db.ApiTokens.AsNoTracking().Where(t => t.Subject == subject);
        if (!includeEnded)
        {
            query = query.Where(t => t.RevokedAt == null);
        }

        var now = time.GetUtcNow();
        var rows = (await query.ToListAsync(cancellationToken))
            .Where(t => includeEnded || t.ExpiresAt > now)
            .OrderByDescending(t => t.CreatedAt).ThenBy(t => t.Jti, StringComparer.Ordinal)
            .ToList();
        return new LedgerPage([.. rows.Skip(skip).Take(take)], rows.Count);
    }

    /// <summary>The subject's own token with this jti, or null: another subject's token is as unknown as a missing one.</summary>
    public async Task<ApiToken?> FindOfSubjectAsync(string subject, string jti, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(jti) || jti.Length > 100)
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacadeDbContext>();
        return await db.ApiTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Jti == jti && t.Subject == subject, cancellationToken);
    }

    public Task<int> RevokeByJtiAsync(string jti, CancellationToken cancellationToken) =>
        RevokeWhereAsync(t => t.Jti == jti, cancellationToken);

    public Task<int> RevokeByTokenIdAsync(string tokenId, CancellationToken cancellationToken) =>
        RevokeWhereAsync(t => t.TokenId == tokenId, cancellationToken);

    public Task<int> RevokeByAuthorizationAsync(string authorizationId, CancellationToken cancellationToken) =>
        RevokeWhereAsync(t => t.AuthorizationId == authorizationId, cancellationToken);

    public Task<int> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        RevokeWhereAsync(t => t.Subject == subject, cancellationToken);

    public Task<int> RevokeByClientAsync(string clientId, CancellationToken cancellationToken) =>
        RevokeWhereAsync(t => t.ClientId == clientId, cancellationToken);

    /// <summary>Every token minted from an API key.</summary>
    public Task<int> RevokeByKeyAsync(string keyId, CancellationToken cancellationToken) =>
        RevokeWhereAsync(t => t.KeyId == keyId, cancellationToken);

    /// <summary>Every token minted from any key of a user (their allowance changed: the next request mints anew).</summary>
    public Task<int> RevokeKeyTokensOfSubjectAsync(string subject, CancellationToken cancellationToken) =>
        RevokeWhereAsync(t => t.Subject == subject && t.Label == ApiToken.ApiKeyLabel, cancellationToken);

    private async Task<int> RevokeWhereAsync(System.Linq.Expressions.Expression<Func<ApiToken, bool>> predicate, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacadeDbContext>();
        var affected = await db.ApiTokens
            .Where(predicate)
            .Where(t => t.RevokedAt == null)
            .Select(t => new { t.Jti, t.ExpiresAt })
            .ToListAsync(cancellationToken);
        if (affected.Count == 0)
        {
            return 0;
        }

        // Flip the cache first: a request racing with this update must already see the token as revoked.
        foreach (var token in affected)
        {
            _cache[token.Jti] = new CachedState(token.ExpiresAt, Revoked: true, now);
        }

        var jtis = affected.Select(t => t.Jti).ToList();
        await using var transaction = db.Database.IsNpgsql() ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        if (transaction is not null)
        {
            // Feed order must be commit order (a reader past a position never misses a later commit): PostgreSQL
            // revocations queue on one lock, as SQLite's single writer makes them do anyway.
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({RevocationFeedLock})", cancellationToken);
        }

        await db.ApiTokens.Where(t => jtis.Contains(t.Jti))
            .ExecuteUpdateAsync(set => set
                .SetProperty(t => t.RevokedAt, now)
                .SetProperty(t => t.RevocationSequence, t => (db.ApiTokens.Max(other => other.RevocationSequence) ?? 0) + 1), cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        audit.TokensRevoked(jtis);
        Revoked?.Invoke(jtis);
        return affected.Count;
    }

    /// <summary>
    /// Revoked access tokens after a feed position, in feed order (<see cref="ApiToken.RevocationSequence"/>, then jti),
    /// at most <paramref name="limit"/>. Tokens minted from API keys are access tokens like any other and are included.
    /// </summary>
    public async Task<IReadOnlyList<RevokedToken>> RevokedAfterAsync(RevocationPosition after, int limit, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacadeDbContext>();
        var (sequence, jti) = (after.Sequence, after.Jti);
        return await db.ApiTokens.AsNoTracking()
            .Where(t => t.RevocationSequence > sequence || (t.RevocationSequence == sequence && string.Compare(t.Jti, jti) > 0))
            .OrderBy(t => t.RevocationSequence).ThenBy(t => t.Jti)
            .Take(limit)
            .Select(t => new RevokedToken(t.Jti, t.ExpiresAt, new RevocationPosition(t.RevocationSequence ?? 0, t.Jti)))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The feed position of the latest revocation (<see cref="RevocationPosition.Start"/> when there is none).</summary>
    public async Task<RevocationPosition> LatestRevocationAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacadeDbContext>();
        var latest = await db.ApiTokens.AsNoTracking()
            .Where(t => t.RevocationSequence != null)
            .OrderByDescending(t => t.RevocationSequence).ThenByDescending(t => t.Jti)
            .Select(t => new { t.RevocationSequence, t.Jti })
            .FirstOrDefaultAsync(cancellationToken);
        return latest is null ? RevocationPosition.Start : new RevocationPosition(latest.RevocationSequence ?? 0, latest.Jti);
    }

    /// <summary>True when <paramref name="position"/> names a revoked token of this ledger (a cursor this database gave out).</summary>
    public async Task<bool> IsKnownPositionAsync(RevocationPosition position, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacadeDbContext>();
        return await db.ApiTokens.AsNoTracking().AnyAsync(t => t.Jti == position.Jti && t.RevocationSequence == position.Sequence, cancellationToken);
    }

    private void Remember(string jti, DateTimeOffset expiresAt, bool revoked)
    {
        var now = time.GetUtcNow();
        if (_cache.Count >= PruneThreshold)
        {
            foreach (var (key, state) in _cache)
            {
                if (state.ExpiresAt <= now)
                {
                    _cache.TryRemove(key, out _);
                }
            }
        }

        // Never let a late "active" answer overwrite a revocation that already happened.
        _cache.AddOrUpdate(jti, new CachedState(expiresAt, revoked, now), (_, existing) => existing.Revoked ? existing : new CachedState(expiresAt, revoked, now));
    }

    /// <param name="CheckedAt">When the state was last read from (or written to) the database by this process.</param>
    private readonly record struct CachedState(DateTimeOffset ExpiresAt, bool Revoked, DateTimeOffset CheckedAt);
}

/// <summary>A page of ledger rows and how many there are in all.</summary>
public sealed record LedgerPage(IReadOnlyList<ApiToken> Tokens, int Total);
