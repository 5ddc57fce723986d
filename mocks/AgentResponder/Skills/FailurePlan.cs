namespace Facade.Mocks.AgentResponder.Skills;

/// <summary>
/// Which calls fail on purpose: with rate r, call n (counting from 1) fails when ⌊n·r⌋ grows, so failures are spread
/// evenly and the same in every run (0.25 fails calls 4, 8, 12 …; 1 fails all; 0 none).
/// </summary>
internal sealed class FailurePlan(double rate)
{
    private long _calls;

    public bool NextFails()
    {
        var n = Interlocked.Increment(ref _calls);
        return Math.Floor(n * rate) > Math.Floor((n - 1) * rate);
    }
}
