using Facade.Bench.Machine;
using Facade.Bench.Servers;

namespace Facade.Bench.Scenarios;

/// <summary>
/// Measures targets the same way every time: wait for an idle machine, warm up once per target, run, charge CPU and
/// memory to the target's server, and repeat the run when something outside the benchmark used the machine meanwhile.
/// Correctness problems (unexpected statuses, socket errors) are collected; speed is never judged here.
/// </summary>
internal sealed class Measurer(BenchSettings settings, IReadOnlyList<ServerProcess> servers)
{
    /// <summary>Tries of a warm-up that completed nothing (1, 2, 4, 8 × its length).</summary>
    private const int WarmupAttempts = 4;

    private readonly HashSet<string> _warmed = [];
    private TimeSpan _patienceLeft = settings.Patience;

    public List<Measurement> Measurements { get; } = [];

    public List<string> Problems { get; } = [];

    private readonly List<string> _warnings = [];

    private readonly List<string> _notIdle = [];
    private readonly List<string> _busy = [];

    /// <summary>Every warning, the per-run ones condensed to one line each kind.</summary>
    public IEnumerable<string> AllWarnings()
    {
        if (_notIdle.Count > 0)
        {
            yield return $"{_notIdle.Count} of {Measurements.Count} runs started although the machine was not idle (≥ {settings.IdleThreshold:P0} CPU): {string.Join(", ", _notIdle)}.";
        }

        if (_busy.Count > 0)
        {
            yield return $"{_busy.Count} of {Measurements.Count} runs were kept although other processes used more than {settings.BusyThreshold:P0} of the machine meanwhile: {string.Join(", ", _busy)}.";
        }

        foreach (var warning in _warnings)
        {
            yield return warning;
        }
    }

    /// <summary>Runs every target once per round, the order rotated each round, for each concurrency level given.</summary>
    public async Task RunRoundsAsync(IReadOnlyList<Target> targets, IReadOnlyList<int> connectionLevels, CancellationToken cancel)
    {
        targets = settings.Targets is { } only ? [.. targets.Where(t => only.Contains(t.Name))] : targets;
        if (targets.Count == 0)
        {
            return;
        }

        foreach (var connections in connectionLevels)
        {
            for (var round = 0; round < settings.Rounds; round++)
            {
                var shift = round % targets.Count;
                foreach (var target in targets.Skip(shift).Concat(targets.Take(shift)))
                {
                    await MeasureAsync(target, connections, round + 1, cancel);
                }
            }
        }
    }

    public async Task<Measurement> MeasureAsync(Target target, int connections, int round, CancellationToken cancel)
    {
        if (_warmed.Add(target.Name))
        {
            await WarmUpAsync(target, connections);
        }

        for (var attempt = 1; ; attempt++)
        {
            var limit = _patienceLeft > TimeSpan.Zero ? settings.IdleLimit : settings.IdleQuiet;
            var waitStarted = DateTime.UtcNow;
            var idle = await IdleWaiter.WaitAsync(settings.IdleThreshold, settings.IdleQuiet, limit, cancel);
            Spend(DateTime.UtcNow - waitStarted - settings.IdleQuiet);

            var before = Snapshot(target);
            var load = await target.Run(connections, settings.Duration);
            var after = Snapshot(target);

            var systemTotal = Math.Max(1, after.SystemTotal - before.SystemTotal);
            var foreign = Math.Max(0, (after.SystemBusy - before.SystemBusy) - (after.Ours - before.Ours)) / (double)systemTotal;
            var busy = foreign > settings.BusyThreshold;
            var cpuUs = PerRequest(after.Target - before.Target, load);
            var measurement = new Measurement(target.Name, target.Server.Name, connections, round, load, cpuUs, target.Server.RssMiB(), foreign, busy, idle.Idle, attempt)
            {
                CompanionCpuUsPerRequest = target.Companion is null ? null : PerRequest(after.Companion - before.Companion, load),
            };
            Console.Error.WriteLine($"[bench] {target.Name,-16} c={connections,-3} round {round}: {load.Rps,9:0} req/s  p50 {load.P50Ms,6:0.00} ms  p99 {load.P99Ms,6:0.00} ms  " +
                $"{cpuUs,6:0.0} µs CPU/req  {measurement.RssMiB,5:0} MiB  other load {foreign:P0}{(busy ? " (busy)" : "")}");
            if (busy && attempt <= settings.BusyRetries && _patienceLeft > TimeSpan.Zero)
            {
                Spend(settings.Duration);
                continue;
            }

            if (!idle.Idle)
            {
                _notIdle.Add($"{target.Name}/{connections}/r{round}");
            }

            if (busy)
            {
                _busy.Add($"{target.Name}/{connections}/r{round} ({foreign:P0})");
            }

            Check(target, connections, $"round {round}", load);
            Measurements.Add(measurement);
            return measurement;
        }
    }

    /// <summary>
    /// Unmeasured load before a target's first run. On a busy machine (CI, other jobs) a short warm-up can end before
    /// a single request completed, or with wrk's timeouts while a server is still compiling its first requests: that
    /// says nothing about the server, so the warm-up is repeated, twice as long each time. Only wrong answers (non-2xx
    /// where 2xx is expected, or the reverse) fail it at once; a warm-up that still completed nothing after its last
    /// try fails the run.
    /// </summary>
    private async Task WarmUpAsync(Target target, int connections)
    {
        var length = target.Warmup ?? settings.Warmup;
        for (var attempt = 1; ; attempt++)
        {
            Console.Error.WriteLine($"[bench] warm-up   {target.Name} ({length.TotalSeconds:0.#} s, {connections} connections)");
            var warmup = await target.Run(connections, length);
            var wrongAnswers = target.ExpectRejection ? warmup.Requests - warmup.StatusErrors : warmup.StatusErrors;
            if (wrongAnswers > 0 || (warmup.Requests > 0 && warmup.SocketErrors == 0) || attempt == WarmupAttempts)
            {
                if (attempt > 1)
                {
                    _warnings.Add($"{target.Name}: the warm-up was repeated {attempt - 1} time(s) (nothing completed, or socket errors/timeouts, on a busy machine).");
                }

                Check(target, connections, "warm-up", warmup with { SocketErrors = warmup.Requests > 0 ? 0 : warmup.SocketErrors });
                return;
            }

            Console.Error.WriteLine($"[bench] warm-up   {target.Name}: {warmup.Requests} requests, {warmup.SocketErrors} socket errors; again, longer");
            length *= 2;
        }
    }

    /// <summary>Waiting and repeating share one budget, so a machine that never calms down still gets a table in bounded time.</summary>
    private void Spend(TimeSpan spent)
    {
        var before = _patienceLeft;
        _patienceLeft -= spent > TimeSpan.Zero ? spent : TimeSpan.Zero;
        if (before > TimeSpan.Zero && _patienceLeft <= TimeSpan.Zero)
        {
            _warnings.Add($"The machine stayed busy: after {settings.Patience.TotalMinutes:0.#} min of waiting and repeating, later runs neither waited for idle nor were repeated.");
        }
    }

    public IEnumerable<Summary> Summaries() =>
        Measurements.GroupBy(m => (m.Target, m.Connections)).Select(g => Summary.Of(g.ToList()));

    public Summary? Find(string target, int connections) =>
        Measurements.Any(m => m.Target == target && m.Connections == connections)
            ? Summary.Of(Measurements.Where(m => m.Target == target && m.Connections == connections).ToList())
            : null;

    private void Check(Target target, int connections, string run, Load.LoadResult load)
    {
        var label = $"{target.Name} c={connections} {run}";
        if (load.Requests == 0)
        {
            Problems.Add($"{label}: no request completed.");
        }

        if (load.SocketErrors > 0)
        {
            Problems.Add($"{label}: {load.SocketErrors} socket errors.");
        }

        if (!target.ExpectRejection && load.StatusErrors > 0)
        {
            Problems.Add($"{label}: {load.StatusErrors} non-2xx responses.");
        }

        if (target.ExpectRejection && load.StatusErrors != load.Requests)
        {
            Problems.Add($"{label}: {load.Requests - load.StatusErrors} of {load.Requests} requests were not rejected.");
        }
    }

    private static double PerRequest(long ticks, Load.LoadResult load) =>
        load.Requests == 0 ? 0 : ticks / ProcStat.TicksPerSecond * 1e6 / load.Requests;

    private (long SystemBusy, long SystemTotal, long Ours, long Target, long Companion) Snapshot(Target target)
    {
        var ours = servers.Sum(s => s.CpuTicks()) + ProcStat.ProcessTicks(Environment.ProcessId) + ProcStat.ReapedChildrenTicks();
        var system = ProcStat.SystemTicks();
        return (system.Busy, system.Total, ours, target.Server.CpuTicks(), target.Companion?.CpuTicks() ?? 0);
    }
}
