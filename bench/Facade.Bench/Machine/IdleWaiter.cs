namespace Facade.Bench.Machine;

/// <summary>Waits, before each measured run, until the whole machine has been quiet for a while.</summary>
internal static class IdleWaiter
{
    private static readonly TimeSpan Sample = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// True once system-wide CPU use stayed below <paramref name="threshold"/> (0..1 of all cores) for
    /// <paramref name="quiet"/>; false when <paramref name="limit"/> passed first (the caller proceeds and says so).
    /// </summary>
    public static async Task<(bool Idle, double LastUse)> WaitAsync(double threshold, TimeSpan quiet, TimeSpan limit, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + limit;
        var calm = TimeSpan.Zero;
        var last = 0.0;
        var previous = ProcStat.SystemTicks();
        while (true)
        {
            await Task.Delay(Sample, cancel);
            var current = ProcStat.SystemTicks();
            var total = current.Total - previous.Total;
            last = total <= 0 ? 0 : (double)(current.Busy - previous.Busy) / total;
            previous = current;
            calm = last < threshold ? calm + Sample : TimeSpan.Zero;
            if (calm >= quiet)
            {
                return (true, last);
            }

            if (DateTime.UtcNow >= deadline)
            {
                return (false, last);
            }
        }
    }
}
