using System.Globalization;
using System.Text;
using Facade.Bench.Machine;
using Facade.Bench.Scenarios;

namespace Facade.Bench.Report;

/// <summary>Everything a finished run knows, rendered as the markdown table written to bench/results/.</summary>
internal sealed record RunOutcome(BenchSettings Settings, MachineInfo Machine, DateTimeOffset Started, Measurer Measurer, string McpNote,
    string TokenNote, int TokenWorkers, IReadOnlyList<string> Problems, IReadOnlyList<string> Notes)
{
    public IngestResult? Ingest { get; init; }

    public string IngestNote { get; init; } = "Not measured.";

    /// <summary>Process start to the first proxied 200 of a restarted edge (null when not measured).</summary>
    public double? ColdStartMs { get; init; }

    public RealtimeResult? Realtime { get; init; }

    public string RealtimeNote { get; init; } = "Not measured.";
}

internal static class MarkdownReport
{
    private static readonly string[] RestTargets = [Targets.Direct, Targets.Nginx, Targets.Haproxy, Targets.Yarp, Targets.Facade, Targets.FacadeKey];
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
        Line($"- **Machine:** {m.Cpu}, {m.Cores} cores, {m.Memory} RAM, Linux {m.Kernel}; everything on 127.0.0.1, load generator on the same cores; load average {m.LoadAtStart} at the start");
        Line($"- **Software:** {m.Runtime}, YARP {m.Yarp}, OpenIddict {m.OpenIddict}, nginx {m.Nginx}, HAProxy {m.Haproxy}, wrk {m.Wrk} (2 threads, keep-alive)");
        Line("- **Request:** `GET /api/tasks` with `Authorization: Bearer <" + s.Signing + " access token issued by the edge>` to every server (only `haproxy-jwt` and `facade` check it); the backend answers 335 bytes of JSON");
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
        var restRow = measurer.Find(Targets.Facade, top);
        var mcpRow = measurer.Find(Targets.FacadeMcp, top);
        var mcpRows = new[] { mcpRow, measurer.Find(Targets.FacadeMcpChannel, top) }.OfType<Summary>().ToList();
        if (mcpRows.Count > 0)
        {
            Line("| target | tool answered by | conns | calls/s | p50 ms | p99 ms | edge CPU µs/call | adapter CPU µs/call | ÷ REST (`facade`) req/s | ÷ `facade-mcp` calls/s |");
            Line("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|");
            foreach (var row in mcpRows)
            {
                var answeredBy = row.Target == Targets.FacadeMcp ? "the backend (REST)" : "an agent runtime (channel)";
                Line($"| {row.Target}{Flags(row)} | {answeredBy} | {top} | {Rps(row.Rps)} | {Ms(row.P50Ms)} | {Ms(row.P99Ms)} | {Us(row.CpuUsPerRequest)} | " +
                    $"{(row.CompanionCpuUsPerRequest is { } adapter ? Us(adapter) : "")} | {(restRow is null ? "" : Ratio(row.Rps / restRow.Rps))} | " +
                    $"{(mcpRow is null || row.Target == Targets.FacadeMcp ? "" : Ratio(row.Rps / mcpRow.Rps))} |");
            }

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
        IngestSection(run, Line);
        RealtimeSection(run, Line);

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
        Line(ResultLine.Render(measurer, top, run.Ingest, s.Signing, run.ColdStartMs, run.Realtime));
        return md.ToString();
    }

    private static void RealtimeSection(RunOutcome run, Action<string> line)
    {
        line("## 6. Realtime (`/realtime` WebSocket)");
        line("");
        if (run.Realtime is not { } realtime)
        {
            line(run.RealtimeNote);
            line("");
            return;
        }

        line("| measure | value |");
        line("|---|--:|");
        line($"| idle authenticated sockets held | {realtime.Sockets:N0} |");
        line($"| edge RSS before → after | {realtime.RssBeforeMiB:0} → {realtime.RssAfterMiB:0} MiB |");
        line($"| memory per idle socket | {realtime.KiBPerSocket:0.0} KiB |");
        line($"| fan-out: subscribers × messages (10/s) | {realtime.Subscribers:N0} × {realtime.Messages} |");
        line($"| events delivered | {realtime.Delivered:N0} of {realtime.Expected:N0} |");
        line($"| device publish → subscriber event p50 / p99 / max | {realtime.P50Ms:0.0} / {realtime.P99Ms:0.0} / {realtime.MaxMs:0.0} ms |");
        line("");
        line(run.RealtimeNote);
        line("");
    }

    private static void IngestSection(RunOutcome run, Action<string> line)
    {
        line("## 5. MQTT telemetry ingest");
        line("");
        if (run.Ingest is not { } ingest)
        {
            line(run.IngestNote);
            line("");
            return;
        }

        line($"{ingest.Devices:N0} devices (MQTT 5 over plain sockets, one connection each, provisioned over the device edge's REST API) publish " +
            "`{\"ts\":…,\"metrics\":{\"temperature\":…,\"humidity\":…}}` at QoS 1, each as fast as its PUBACKs come back, for " +
            $"{Seconds(ingest.Duration)} s per run; medians over {run.Settings.Rounds} round(s), brokers alternating. The load generator (the harness: " +
            "the devices, and for mosquitto also the MQTTnet subscriber) runs on the same cores; its CPU per message is shown beside the broker's, and the " +
            "1 minute load average when each run started (2 = both cores busy).");
        line("");
        line("| broker | what it does | msg/s | ack p50 ms | ack p99 ms | CPU µs/msg | load generator CPU µs/msg | load average | device-edge ÷ this |");
        line("|---|---|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var (target, what) in new[]
        {
            (IngestResult.Facade, "embedded MQTTnet broker; acknowledges a message once its batch is committed to SQLite (WAL, `synchronous=FULL`), 2 rows + minute summaries per message"),
            (IngestResult.Mosquitto, $"{run.IngestNote.TrimEnd('.')} alone, no persistence, forwarding everything to one subscriber (QoS 1)"),
        })
        {
            if (ingest.Median(target, r => r.MessagesPerSecond) is { } rate)
            {
                var ratio = target == IngestResult.Mosquitto && ingest.VersusMosquitto is { } versus ? Ratio(versus) : "";
                line($"| {target} | {what} | {Rps(rate)} | {Ms(ingest.Median(target, r => r.P50Ms)!.Value)} | {Ms(ingest.Median(target, r => r.P99Ms)!.Value)} | " +
                    $"{Us(ingest.Median(target, r => r.CpuUsPerMessage)!.Value)} | {Us(ingest.Median(target, r => r.GeneratorCpuUsPerMessage)!.Value)} | " +
                    $"{string.Join(", ", ingest.Runs.Where(r => r.Target == target).Select(r => r.LoadAverage.ToString("0.0", CultureInfo.InvariantCulture)))} | {ratio} |");
            }
        }

        line("");
        line($"- **Stored = acknowledged:** {ingest.Stored:N0} of {ingest.Acked:N0} acknowledged messages stored (counted per device over REST, warm-up included); **lost: {ingest.Lost:N0}**.");
        line($"- **Publish → queryable:** the device edge acknowledges after the commit, so ack p99 {Ms(ingest.Median(IngestResult.Facade, r => r.P99Ms) ?? 0)} ms " +
            $"is an upper bound. Checked on {ingest.VisibilityChecks} sampled readings, each read back over REST (raw range of its own `ts`) right after its PUBACK: " +
            $"{ingest.Invisible} were missing; publish → REST answer containing it p50 {OptionalMs(ingest.VisibleP50Ms)}, p99 {OptionalMs(ingest.VisibleP99Ms)} " +
            "(the REST round trip under full ingest load included).");
        line($"- **mosquitto → subscriber:** delivery p99 {(ingest.MosquittoDeliveryP99Ms is { } p ? Ms(p) + " ms" : "n/a")} (sampled); {ingest.MosquittoUndelivered:N0} acknowledged messages not delivered.");
        line($"- **History:** one device's previous UTC day ({ingest.HistoryReadings:N0} readings) at `1m` (1,440 buckets of min/avg/max/count) over REST, " +
            $"{ingest.HistoryQueries} sequential queries: p50 {Ms(ingest.HistoryP50Ms)} ms, p99 {Ms(ingest.HistoryP99Ms)} ms (target ≤ 10 ms; HTTP and 1,440 buckets of JSON included).");
        line("");
    }

    private static string OptionalMs(double? ms) => ms is { } value ? Ms(value) + " ms" : "n/a";

    private static string Flags(Summary row) => row.AnyBusy || row.AnyNotIdle ? "*" : "";

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Rps(double value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    private static string Ms(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Us(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Ratio(double value) => double.IsFinite(value) ? value.ToString("0.00", CultureInfo.InvariantCulture) : "";
}
