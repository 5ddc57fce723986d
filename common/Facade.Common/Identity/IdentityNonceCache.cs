using System.Collections.Concurrent;

namespace Facade.Common.Identity;

/// <summary>
/// The nonces of verified identity-mode requests, each remembered until its timestamp leaves the replay window, so
/// the same signed request is accepted once. In memory, for one backend instance (several instances behind a load
/// balancer need a shared store instead: pass its "set if absent" to <see cref="IdentityVerifier.Verify"/>).
/// Bounded: when full of live nonces it refuses new requests rather than forget a nonce that could be replayed.
/// </summary>
public sealed class IdentityNonceCache(TimeProvider time, int capacity = IdentityNonceCache.DefaultCapacity)
{
    public const int DefaultCapacity = 100_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private int _sweeping;

    public int Count => _seen.Count;

    /// <summary>True the first time <paramref name="nonce"/> is seen; false for a replay (or when full).</summary>
    public bool TryUse(string nonce, DateTimeOffset expiresAt)
    {
        if (_seen.Count >= capacity)
        {
            Sweep();
            if (_seen.Count >= capacity)
            {
                return false;
            }
        }

        return _seen.TryAdd(nonce, expiresAt);
    }

    private void Sweep()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            var now = time.GetUtcNow();
            foreach (var (nonce, expiresAt) in _seen)
            {
                if (expiresAt < now)
                {
                    _seen.TryRemove(KeyValuePair.Create(nonce, expiresAt));
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }
}
