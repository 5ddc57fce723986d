using Facade.Bench.Load;

namespace Facade.Bench.Scenarios;

/// <summary>
/// One measured run. CPU is the target server's user + system time over the run divided by completed requests;
/// RSS is its resident memory right after the run. <see cref="ForeignShare"/> is the share of all cores used by
/// processes outside the benchmark during the run.
/// </summary>
internal sealed record Measurement(string Target, string Server, int Connections, int Round, LoadResult Load, double CpuUsPerRequest, double RssMiB,
    double ForeignShare, bool Busy, bool WaitedIdle, int Attempts)
{
    /// <summary>CPU per request of the target's companion server (the MCP adapter), when it has one.</summary>
    public double? CompanionCpuUsPerRequest { get; init; }
}

/// <summary>Medians over rounds of one target at one concurrency (RSS: the largest seen).</summary>
internal sealed record Summary(string Target, int Connections, int Runs, double Rps, double P50Ms, double P99Ms, double CpuUsPerRequest,
    double RssMiB, bool AnyBusy, bool AnyNotIdle)
{
    public double? CompanionCpuUsPerRequest { get; init; }

    public static Summary Of(IReadOnlyList<Measurement> runs) => new(
        runs[0].Target,
        runs[0].Connections,
        runs.Count,
        Median(runs.Select(r => r.Load.Rps)),
        Median(runs.Select(r => r.Load.P50Ms)),
        Median(runs.Select(r => r.Load.P99Ms)),
        Median(runs.Select(r => r.CpuUsPerRequest)),
        runs.Max(r => r.RssMiB),
        runs.Any(r => r.Busy),
        runs.Any(r => !r.WaitedIdle))
    {
        CompanionCpuUsPerRequest = runs.All(r => r.CompanionCpuUsPerRequest is not null) ? Median(runs.Select(r => r.CompanionCpuUsPerRequest!.Value)) : null,
    };

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
