using System.Collections.Concurrent;
using Facade.Common.Tokens;
using Facade.Proxy.Data;
using Facade.Proxy.Edge;
using Facade.Proxy.Ledger;
using Microsoft.EntityFrameworkCore;

namespace Facade.Proxy.ApiKeys;

/// <summary>
/// The edge's key path: a presented key → the access token minted from it. A key is looked up (by its keyed hash) and
/// a token minted once, then remembered by the key's SHA-256 until shortly before the token expires. Every request,
/// remembered or not, asks the ledger whether that token is still active, as for any JWT: revoking a key revokes its
/// tokens in the ledger, so a revocation in this process applies on the next request and one by another process (the
/// admin commands, another edge) within <see cref="LedgerOptions.RevocationCheckInterval"/>. A revoked token sends
/// the next request back to the database, where the key is found revoked, expired or its owner locked out.
/// </summary>
internal sealed partial class ApiKeyAuthenticator(
    IServiceScopeFactory scopes,
    ApiKeyFormat format,
    ApiKeyHasher hasher,
    ApiKeyTokenMinter minter,
    TokenLedger ledger,
    TimeProvider time,
    ILogger<ApiKeyAuthenticator> logger)
{
    /// <summary>A remembered token is replaced this long before it expires, so no backend gets one about to die.</summary>
    private static readonly TimeSpan RenewBefore = TimeSpan.FromSeconds(60);

    /// <summary>The last-used time of a key is written at most this often.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private const int MaxRemembered = 100_000;

    private readonly ConcurrentDictionary<TokenHash, Entry> _entries = new();
    private readonly ConcurrentDictionary<TokenHash, Lazy<Task<EdgeAuthResult>>> _resolving = new();

    public bool IsUserKey(ReadOnlySpan<char> credential) => format.IsUserKey(credential);

    public ValueTask<EdgeAuthResult> AuthenticateAsync(ReadOnlySpan<char> key, ApiKeyKind kind, CancellationToken cancellationToken)
    {
        if (!format.IsWellFormed(key, kind))
        {
            return new(new EdgeAuthResult(EdgeAuthStatus.Invalid));
        }

        var hash = TokenHash.Of(key);
        if (_entries.TryGetValue(hash, out var entry) && entry.UsableAt(time.GetUtcNow(), RenewBefore))
        {
            return CheckRememberedAsync(entry, key.ToString(), hash, kind, cancellationToken);
        }

        return ResolveOnceAsync(key.ToString(), hash, kind);
    }

    /// <summary>Forgets what this process remembers about a key (it was revoked here).</summary>
    public void Forget(string keyId)
    {
        foreach (var (hash, entry) in _entries)
        {
            if (entry.KeyId == keyId)
            {
                _entries.TryRemove(hash, out _);
            }
        }
    }

    private async ValueTask<EdgeAuthResult> CheckRememberedAsync(Entry entry, string key, TokenHash hash, ApiKeyKind kind, CancellationToken cancellationToken)
    {
        bool active;
        try
        {
            active = await ledger.IsActiveAsync(entry.Caller.Jti, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return new EdgeAuthResult(EdgeAuthStatus.LedgerUnavailable);
        }

        if (!active)
        {
            _entries.TryRemove(KeyValuePair.Create(hash, entry));
            return await ResolveOnceAsync(key, hash, kind);
        }

        TouchLastUsed(entry);
        return new EdgeAuthResult(EdgeAuthStatus.Valid, entry.Caller);
    }

    /// <summary>Concurrent first requests with one key share one lookup and one minted token.</summary>
    private async ValueTask<EdgeAuthResult> ResolveOnceAsync(string key, TokenHash hash, ApiKeyKind kind)
    {
        var lazy = _resolving.GetOrAdd(hash, _ => new Lazy<Task<EdgeAuthResult>>(() => ResolveAsync(key, hash, kind)));
        try
        {
            return await lazy.Value;
        }
        finally
        {
            _resolving.TryRemove(KeyValuePair.Create(hash, lazy));
        }
    }

    private async Task<EdgeAuthResult> ResolveAsync(string key, TokenHash hash, ApiKeyKind kind)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FacadeDbContext>();
            var keyHash = hasher.Hash(key);
            var found = await db.ApiKeys.AsNoTracking()
                .Where(k => k.Hash == keyHash)
                .Join(db.Users.AsNoTracking(), k => k.UserId, u => u.Id, (k, u) => new { Key = k, User = u })
                .SingleOrDefaultAsync(CancellationToken.None);
            var now = time.GetUtcNow();
            if (found is null
                || found.Key.RevokedAt is not null
                || found.Key.ExpiresAt <= now
                || found.Key.IsAgentKey != (kind is ApiKeyKind.Agent)
                || found.User.LockoutEnd > now)
            {
                _entries.TryRemove(hash, out _);
                return new EdgeAuthResult(EdgeAuthStatus.Invalid);
            }

            var minted = await minter.MintAsync(found.Key, found.User, ScopeAllowance.Cap(found.Key, found.User), CancellationToken.None);
            var caller = new EdgeCaller(minted.Principal, minted.Jti, hash, minted.Jwt)
            {
                ExpiresAt = minted.ExpiresAt,
                KeyId = found.Key.Id,
                KeyExpiresAt = found.Key.ExpiresAt,
            };
            var entry = new Entry(found.Key.Id, caller, minted.ExpiresAt, found.Key.ExpiresAt);
            if (_entries.Count >= MaxRemembered)
            {
                Prune(now);
            }

            _entries[hash] = entry;
            TouchLastUsed(entry);
            return new EdgeAuthResult(EdgeAuthStatus.Valid, caller);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogLookupFailed(logger, exception.GetType().Name);
            return new EdgeAuthResult(EdgeAuthStatus.LedgerUnavailable);
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (hash, entry) in _entries)
        {
            if (!entry.UsableAt(now, RenewBefore))
            {
                _entries.TryRemove(hash, out _);
            }
        }
    }

    /// <summary>At most one write a minute per key, off the request path: no database write per request.</summary>
    private void TouchLastUsed(Entry entry)
    {
        var now = time.GetUtcNow();
        if (!entry.TryClaimLastUsedWrite(now, LastUsedResolution))
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<FacadeDbContext>();
                await db.ApiKeys.Where(k => k.Id == entry.KeyId).ExecuteUpdateAsync(set => set.SetProperty(k => k.LastUsedAt, now));
            }
            catch (Exception exception)
            {
                LogLastUsedFailed(logger, entry.KeyId, exception.GetType().Name);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "API key lookup failed ({Error}); answering 503")]
    private static partial void LogLookupFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the last use of API key {KeyId} ({Error})")]
    private static partial void LogLastUsedFailed(ILogger logger, string keyId, string error);

    private sealed class Entry(string keyId, EdgeCaller caller, DateTimeOffset tokenExpires, DateTimeOffset? keyExpires)
    {
        private long _lastUsedWrite = long.MinValue;

        public string KeyId { get; } = keyId;

        public EdgeCaller Caller { get; } = caller;

        /// <summary>Until shortly before the token ends; a token cut short by the key's own expiry serves until then.</summary>
        public bool UsableAt(DateTimeOffset now, TimeSpan renewBefore) => keyExpires is { } expires && tokenExpires >= expires
            ? now < expires
            : now < tokenExpires - renewBefore;

        public bool TryClaimLastUsedWrite(DateTimeOffset now, TimeSpan resolution)
        {
            var previous = Interlocked.Read(ref _lastUsedWrite);
            return (previous == long.MinValue || now.UtcTicks - previous >= resolution.Ticks)
                && Interlocked.CompareExchange(ref _lastUsedWrite, now.UtcTicks, previous) == previous;
        }
    }
}
