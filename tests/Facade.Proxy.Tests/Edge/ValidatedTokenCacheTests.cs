using Facade.Common.Tokens;
using Microsoft.Extensions.Time.Testing;

namespace Facade.Proxy.Tests.Edge;

public sealed class ValidatedTokenCacheTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-27T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Entry_IsAHit_UntilItsExpiry_ThenGone()
    {
        var cache = new ValidatedTokenCache<string>(_time);
        var hash = TokenHash.Of("header.payload.signature");
        cache.Add(hash, "caller", _time.GetUtcNow().AddMinutes(5));

        Assert.True(cache.TryGet(hash, out var value));
        Assert.Equal("caller", value);

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.False(cache.TryGet(hash, out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void OnlyTheExactTokenString_IsAHit()
    {
        var cache = new ValidatedTokenCache<string>(_time);
        cache.Add(TokenHash.Of("header.payload.signature"), "caller", _time.GetUtcNow().AddMinutes(5));

        Assert.False(cache.TryGet(TokenHash.Of("header.payload.signaturf"), out _));
        Assert.False(cache.TryGet(TokenHash.Of("header.payload.signature "), out _));
        Assert.False(cache.TryGet(TokenHash.Of("Header.payload.signature"), out _));
    }

    [Fact]
    public void AlreadyExpired_IsNotRemembered()
    {
        var cache = new ValidatedTokenCache<string>(_time);
        cache.Add(TokenHash.Of("t"), "caller", _time.GetUtcNow());
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void WhenFull_ExpiredEntriesAreSwept_ElseNewOnesAreNotRemembered()
    {
        var cache = new ValidatedTokenCache<string>(_time, capacity: 2);
        cache.Add(TokenHash.Of("a"), "a", _time.GetUtcNow().AddSeconds(10));
        cache.Add(TokenHash.Of("b"), "b", _time.GetUtcNow().AddMinutes(10));

        cache.Add(TokenHash.Of("c"), "c", _time.GetUtcNow().AddMinutes(10));
        Assert.False(cache.TryGet(TokenHash.Of("c"), out _));

        _time.Advance(TimeSpan.FromSeconds(10));
        cache.Add(TokenHash.Of("c"), "c", _time.GetUtcNow().AddMinutes(10));
        Assert.True(cache.TryGet(TokenHash.Of("c"), out _));
        Assert.True(cache.TryGet(TokenHash.Of("b"), out _));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void RemoveWhere_ForgetsMatchingEntries()
    {
        var cache = new ValidatedTokenCache<string>(_time);
        cache.Add(TokenHash.Of("a"), "alice", _time.GetUtcNow().AddMinutes(1));
        cache.Add(TokenHash.Of("b"), "bob", _time.GetUtcNow().AddMinutes(1));

        cache.RemoveWhere(v => v == "alice");

        Assert.False(cache.TryGet(TokenHash.Of("a"), out _));
        Assert.True(cache.TryGet(TokenHash.Of("b"), out _));
    }

    [Fact]
    public void LongTokens_HashWithoutStackOverflow_AndDiffer()
    {
        var long1 = new string('a', 100_000);
        var long2 = long1[..^1] + "b";
        Assert.NotEqual(TokenHash.Of(long1), TokenHash.Of(long2));
        Assert.Equal(TokenHash.Of(long1), TokenHash.Of(new string('a', 100_000)));
    }
}
