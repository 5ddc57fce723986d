using System.Diagnostics;

namespace Facade.Bench.Load;

/// <summary>
/// A closed-loop load client in this process, for work wrk cannot script: each worker repeats a step (a refresh
/// grant, a code flow) that needs the previous answer. A step returns false for a wrong answer; an exception is a
/// socket error. A worker whose step failed stops, since its token chain is broken.
/// </summary>
internal static class ClientLoad
{
    public static async Task<LoadResult> RunAsync(int workers, TimeSpan duration, Func<int, Task<bool>> step)
    {
        var latencies = new List<double>[workers];
        long failures = 0, socketErrors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            var mine = latencies[worker] = [];
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    if (!await step(worker))
                    {
                        Interlocked.Increment(ref failures);
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref socketErrors);
                    return;
                }

                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l ?? []).Order().ToArray();
        return new LoadResult(all.Length, seconds, failures, socketErrors, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
