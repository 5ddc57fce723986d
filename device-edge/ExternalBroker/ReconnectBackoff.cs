namespace Facade.DeviceEdge.ExternalBroker;

/// <summary>
/// How long to wait before reconnect attempt <c>n</c> (0 = the first after a loss): <c>min · 2ⁿ</c> capped at
/// <c>max</c>, of which a random half is jitter ("equal jitter"), so a fleet of edges restarted together does not hit
/// the broker in lockstep while none retries sooner than half the ceiling.
/// </summary>
internal static class ReconnectBackoff
{
    public static TimeSpan Delay(int attempt, TimeSpan min, TimeSpan max, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        ArgumentNullException.ThrowIfNull(random);
        var ceiling = Math.Min(min.Ticks * Math.Pow(2, Math.Min(attempt, 40)), max.Ticks);
        return TimeSpan.FromTicks((long)(ceiling / 2 + random.NextDouble() * ceiling / 2));
    }
}
