using Facade.DeviceEdge.ExternalBroker;

namespace Facade.DeviceEdge.Tests.ExternalBroker;

/// <summary>The wait before a reconnect doubles per failed attempt up to the ceiling, half of it random.</summary>
public sealed class ReconnectBackoffTests
{
    private static readonly TimeSpan Min = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(3, 8)]
    [InlineData(5, 32)]
    [InlineData(6, 60)]
    [InlineData(1000, 60)]
    public void Delay_IsBetweenHalfTheCeilingAndTheCeiling(int attempt, int ceilingSeconds)
    {
        var ceiling = TimeSpan.FromSeconds(ceilingSeconds);

        Assert.Equal(ceiling / 2, ReconnectBackoff.Delay(attempt, Min, Max, new FixedRandom(0)));
        Assert.InRange(ReconnectBackoff.Delay(attempt, Min, Max, new FixedRandom(0.999999)), ceiling * 0.99, ceiling);
        Assert.InRange(ReconnectBackoff.Delay(attempt, Min, Max, Random.Shared), ceiling / 2, ceiling);
    }

    [Fact]
    public void NegativeAttempt_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReconnectBackoff.Delay(-1, Min, Max, Random.Shared));
    }

    private sealed class FixedRandom(double value) : Random
    {
        public override double NextDouble() => value;
    }
}
