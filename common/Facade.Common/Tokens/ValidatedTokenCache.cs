using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Facade.Common.Tokens;

/// <summary>
/// Successful token validations, remembered by <see cref="TokenHash"/> until the token expires, so a token is
/// signature-checked once and not on every request. Only successes go in; a hit is still subject to the caller's
/// own per-request checks (revocation, scope). Bounded: when full, expired entries are swept and, if that frees
/// nothing, new validations are simply not remembered.
/// </summary>
public sealed class ValidatedTokenCache<TValue>(TimeProvider time, int capacity = ValidatedTokenCache<TValue>.DefaultCapacity)
    where TValue : class
{
    public const int DefaultCapacity = 20_000;

    private readonly ConcurrentDictionary<TokenHash, Entry> _entries = new();
    private int _sweeping;

    public int Count => _entries.Count;

    public bool TryGet(TokenHash hash, [MaybeNullWhen(false)] out TValue value)
    {
        if (_entries.TryGetValue(hash, out var entry))
        {
            if (entry.ExpiresAt > time.GetUtcNow())
            {
                value = entry.Value;
                return true;
            }

            _entries.TryRemove(KeyValuePair.Create(hash, entry));
        }

        value = null;
        return false;
    }

    /// <summary>Remembers <paramref name="value"/> until <paramref name="expiresAt"/> (the token's own expiry, skew included).</summary>
    public void Add(TokenHash hash, TValue value, DateTimeOffset expiresAt)
    {
        if (expiresAt <= time.GetUtcNow())
        {
            return;
        }

        if (_entries.Count >= capacity && !Sweep())
        {
            return;
        }

        _entries[hash] = new Entry(value, expiresAt);
    }

    /// <summary>Forgets every entry matching <paramref name="predicate"/>, e.g. all tokens of a revoked grant.</summary>
    public void RemoveWhere(Func<TValue, bool> predicate)
    {
        foreach (var (hash, entry) in _entries)
        {
            if (predicate(entry.Value))
            {
                _entries.TryRemove(KeyValuePair.Create(hash, entry));
            }
        }
    }

    public void Clear() => _entries.Clear();

    private bool Sweep()
    {
        // One sweeper at a time; the others skip caching meanwhile rather than queue behind it.
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return false;
        }

        try
        {
            var now = time.GetUtcNow();
            foreach (var (hash, entry) in _entries)
            {
                if (entry.ExpiresAt <= now)
                {
                    _entries.TryRemove(KeyValuePair.Create(hash, entry));
                }
            }

            return _entries.Count < capacity;
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private sealed record Entry(TValue Value, DateTimeOffset ExpiresAt);
}
