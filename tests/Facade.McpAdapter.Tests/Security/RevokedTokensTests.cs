using Facade.Common.Revocation;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Facade.McpAdapter.Tests.Security;

/// <summary>The consumer side of the feed (common/Facade.Common/Revocation): staleness and forgetting, on a fake clock.</summary>
public sealed class RevokedTokensTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RevokedTokens _revoked;

    public RevokedTokensTests() =>
        _revoked = new RevokedTokens(_time, Options.Create(new RevocationFeedOptions { StalenessBound = TimeSpan.FromSeconds(30) }));

    [Fact]
    public void NeverReached_IsNotCurrent_FailClosedFromTheStart() => Assert.False(_revoked.IsCurrent);

    [Fact]
    public void Current_UntilTheStalenessBound_ThenAgainAfterTheNextSuccess()
    {
        _revoked.MarkReached();
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(_revoked.IsCurrent);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(_revoked.IsCurrent);

        _revoked.MarkReached();
        Assert.True(_revoked.IsCurrent);
    }

    [Fact]
    public void RevokedJti_IsRemembered_UntilWellPastItsExpiry_ThenForgotten()
    {
        var exp = _time.GetUtcNow().AddMinutes(1).ToUnixTimeSeconds();
        IReadOnlyCollection<string>? announced = null;
        _revoked.Revoked += jtis => announced = jtis;

        _revoked.Add([new RevokedJti("a", exp), new RevokedJti("b", exp)]);

        Assert.Equal(["a", "b"], announced);
        Assert.True(_revoked.IsRevoked("a"));
        _time.Advance(TimeSpan.FromMinutes(1) + RevokedTokens.ExpiryGrace - TimeSpan.FromSeconds(1));
        _revoked.MarkReached();
        Assert.True(_revoked.IsRevoked("a"));

        _time.Advance(TimeSpan.FromMinutes(2));
        _revoked.MarkReached();
        Assert.False(_revoked.IsRevoked("a"));
        Assert.Equal(0, _revoked.Count);
    }

    [Fact]
    public void AlreadyLongExpired_IsNotKept()
    {
        _revoked.Add([new RevokedJti("old", _time.GetUtcNow().AddHours(-1).ToUnixTimeSeconds())]);

        Assert.False(_revoked.IsRevoked("old"));
    }
}
