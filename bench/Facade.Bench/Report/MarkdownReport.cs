using System.Globalization;
using System.Text;
using Facade.Bench.Machine;
using Facade.Bench.Scenarios;

namespace Facade.Bench.Report;

/// <summary>Everything a finished run knows, rendered as the markdown table written to bench/results/.</summary>
internal sealed record RunOutcome(BenchSettings Settings, MachineInfo Machine, DateTimeOffset Started, Measurer Measurer, string McpNote,
    string TokenNote, int TokenWorkers, IReadOnlyList<string> Problems, IReadOnlyList<string> Notes);

internal static class MarkdownReport
{
    private static readonly string[] RestTargets = [Targets.Direct, Targets.Nginx, Targets.Haproxy, Targets.Yarp, Targets.Facade];
    private static readonly string[] RejectionTargets = [Targets.FacadeNoToken, Targets.FacadeForged, Targets.HaproxyForged];

    public static string Render(RunOutcome run)
    {
        var s = run.Settings;
        var m = run.Machine;
        var measurer = run.Measurer;
        var top = s.Connections[0];
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');

        Line($"# Facade edge benchmark{(s.Smoke ? " (smoke run: timings meaningless)" : "")}{(s.Configuration == "Release" ? "" : $" ({s.Configuration} build)")}");
        Line();
        Line($"- **When:** {run.Started.UtcDateTime:yyyy-MM-dd HH:mm} UTC; {s.Rounds} interleaved round(s) (order rotated), {Seconds(s.Duration)} s per run, {Seconds(s.Warmup)} s warm-up per target, medians");
        Line($"- **Machine:** {m.Cpu}, {m.Cores} cores, {m.Memory} RAM, Linux {m.Kernel}; everything on 127.0.0.1, load generator on the same cores");
        Line($"- **Software:** {m.Runtime}, YARP {m.Yarp}, OpenIddict {m.OpenIddict}, nginx {m.Nginx}, HAProxy {m.Haproxy}, wrk {m.Wrk} (2 threads, keep-alive)");
        Line("- **Request:** `GET /api/tasks` with `Authorization: Bearer <RS256 access token issued by the edge>` to every server (only `haproxy-jwt` and `facade` check it); the backend answers 335 bytes of JSON");
        Line("- **CPU µs/req:** user+system time of the server process (tree) over the run ÷ requests; **RSS:** its VmRSS after the run (largest)");
        Line();

        Line("## 1. Authenticated `GET /api/tasks`");
        Line();
        Line("| server | what it does | conns | req/s | p50 ms | p99 ms | CPU µs/req | RSS MiB | facade ÷ this |");
        Line("|---|---|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var connections in s.Connections)
        {
            var facade = measurer.Find(Targets.Facade, connections);
            foreach (var name in RestTargets)
            {
                if (measurer.Find(name, connections) is { } row)
                {
                    var ratio = facade is null || name == Targets.Facade ? "" : Ratio(facade.Rps / row.Rps);
                    Line($"| {name}{Flags(row)} | {Targets.Describe(name)} | {connections} | {Rps(row.Rps)} | {Ms(row.P50Ms)} | {Ms(row.P99Ms)} | {Us(row.CpuUsPerRequest)} | {row.RssMiB:0} | {ratio} |");
                }
            }
        }

        Line();
        Line("## 2. MCP `tools/call` through edge + adapter");
        Line();
        if (measurer.Find(Targets.FacadeMcp, top) is { } mcp && measurer.Find(Targets.Facade, top) is { } rest)
        {
            Line("| target | conns | req/s | p50 ms | p99 ms | edge CPU µs/req | adapter CPU µs/req | ÷ REST (`facade`) req/s |");
            Line("|---|--:|--:|--:|--:|--:|--:|--:|");
            Line($"| {Targets.FacadeMcp}{Flags(mcp)} | {top} | {Rps(mcp.Rps)} | {Ms(mcp.P50Ms)} | {Ms(mcp.P99Ms)} | {Us(mcp.CpuUsPerRequest)} | " +
                $"{(mcp.CompanionCpuUsPerRequest is { } adapter ? Us(adapter) : "")} | {Ratio(mcp.Rps / rest.Rps)} |");
            Line();
        }

        Line(run.McpNote);
        Line();

        Line("## 3. Token endpoint");
        Line();
        var grants = new[] { (TokenScenario.RefreshTarget, "refresh_token grant, rotation on"), (TokenScenario.CodeFlowTarget, "authorize redirect (signed in, consented) + code exchange with PKCE") };
        if (grants.Any(g => measurer.Find(g.Item1, run.TokenWorkers) is not null))
        {
            Line("| grant | what | workers | grants/s | p50 ms | p99 ms | edge CPU µs/grant |");
            Line("|---|---|--:|--:|--:|--:|--:|");
            foreach (var (name, what) in grants)
            {
                if (measurer.Find(name, run.TokenWorkers) is { } row)
                {
                    Line($"| {name}{Flags(row)} | {what} | {run.TokenWorkers} | {Rps(row.Rps)} | {Ms(row.P50Ms)} | {Ms(row.P99Ms)} | {Us(row.CpuUsPerRequest)} |");
                }
            }

            Line();
        }

        Line(run.TokenNote);
        Line();

        Line($"## 4. Rejections ({top} connections)");
        Line();
        var yarp = measurer.Find(Targets.Yarp, top);
        var rejections = RejectionTargets.Select(name => measurer.Find(name, top)).OfType<Summary>().ToList();
        if (rejections.Count == 0)
        {
            Line("Not measured.");
        }
        else
        {
            Line("| target | what | req/s | p99 ms | CPU µs/req | ÷ plain YARP (authenticated 200s) req/s |");
            Line("|---|---|--:|--:|--:|--:|");
            foreach (var row in rejections)
            {
                Line($"| {row.Target}{Flags(row)} | {Targets.Describe(row.Target)} | {Rps(row.Rps)} | {Ms(row.P99Ms)} | {Us(row.CpuUsPerRequest)} | {(yarp is null ? "" : Ratio(row.Rps / yarp.Rps))} |");
            }
        }

        Line();
        Line("## 5. MQTT ingest");
        Line();
        Line("Skipped: the device edge (`device-edge/`) does not exist yet.");
        Line();

        if (run.Problems.Count > 0 || run.Notes.Count > 0)
        {
            Line("## Notes");
            Line();
            foreach (var problem in run.Problems)
            {
                Line($"- **FAILED:** {problem}");
            }

            foreach (var note in run.Notes)
            {
                Line($"- {note}");
            }

            Line();
        }

        Line("`*` machine not idle before a run or busy during it (after retries); `RESULT` ratios use req/s at " + top + " connections.");
        Line();
        Line(ResultLine.Render(measurer, top));
        return md.ToString();
    }

    private static string Flags(Summary row) => row.AnyBusy || row.AnyNotIdle ? "*" : "";

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Rps(double value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    private static string Ms(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Us(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Ratio(double value) => double.IsFinite(value) ? value.ToString("0.00", CultureInfo.InvariantCulture) : "";
}
