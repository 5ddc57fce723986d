using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Facade.Common.Revocation;

/// <summary>
/// The access-token jtis the edge has revoked, as the revocation feed reported them, each kept until a while after its
/// own expiry (<see cref="ExpiryGrace"/>: longer than any clock skew a validator allows), and whether the feed is
/// current. Checked on every token-authenticated request, so it is a lock-free set lookup.
/// </summary>
public sealed class RevokedTokens(TimeProvider time, IOptions<RevocationFeedOptions> options)
{
    /// <summary>How long past its expiry a revoked jti is remembered; the feed itself skips tokens expired longer.</summary>
    public static readonly TimeSpan ExpiryGrace = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _jtis = new(StringComparer.Ordinal);
    private long _lastReachedTicks;
    private DateTimeOffset _nextPrune;

    /// <summary>Raised after jtis were added, with those jtis (e.g. to close long-lived streams they opened).</summary>
    public event Action<IReadOnlyCollection<string>>? Revoked;

    public int Count => _jtis.Count;

    /// <summary>When the feed last answered successfully; null until it has.</summary>
    public DateTimeOffset? LastReached =>
        Volatile.Read(ref _lastReachedTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>
    /// True while the feed was reached within <see cref="RevocationFeedOptions.StalenessBound"/>. False before the
    /// first successful poll: until then nobody knows which tokens were revoked, so none may be trusted.
    /// </summary>
    public bool IsCurrent => LastReached is { } last && time.GetUtcNow() - last <= options.Value.StalenessBound;

    public bool IsRevoked(string jti)
    {
        ArgumentNullException.ThrowIfNull(jti);
        return _jtis.ContainsKey(jti);
    }

    /// <summary>Adds revoked jtis (from the feed) and tells <see cref="Revoked"/> subscribers about the new ones.</summary>
    public void Add(IEnumerable<RevokedJti> revoked)
    {
        ArgumentNullException.ThrowIfNull(revoked);
        var forgetBefore = time.GetUtcNow() - ExpiryGrace;
        var added = new List<string>();
        foreach (var token in revoked)
        {
            var expires = DateTimeOffset.FromUnixTimeSeconds(token.Expires);
            if (!string.IsNullOrEmpty(token.Jti) && expires > forgetBefore && _jtis.TryAdd(token.Jti, expires))
            {
                added.Add(token.Jti);
            }
        }

        if (added.Count > 0)
        {
            Revoked?.Invoke(added);
        }
    }

    /// <summary>Records a successful poll (the feed is current again) and forgets jtis long past their expiry.</summary>
    public void MarkReached()
    {
        var now = time.GetUtcNow();
        Volatile.Write(ref _lastReachedTicks, now.UtcTicks);
        if (now < _nextPrune)
        {
            return;
        }

        _nextPrune = now + PruneEvery;
        foreach (var (jti, expires) in _jtis)
        {
            if (expires + ExpiryGrace <= now)
            {
                _jtis.TryRemove(KeyValuePair.Create(jti, expires));
            }
        }
    }
}
