using System.CommandLine;
using Facade.Bench;
using Facade.Bench.Cluster;
using Facade.Bench.Servers;
using Facade.Bench.Soak;

// ./run.sh bench [--smoke] [options]: the authenticated edge against direct Kestrel, nginx, HAProxy (jwt_verify) and
// plain YARP on loopback, plus MCP, token endpoint and rejection scenarios, and MQTT telemetry ingest (device edge vs
// mosquitto). See docs/performance.md.
var smoke = new Option<bool>("--smoke") { Description = "Every scenario for a second or two; checks the harness, not speed." };
var duration = new Option<double?>("--duration") { Description = "Seconds per measured run (default 8; smoke 1.5)." };
var warmup = new Option<double?>("--warmup") { Description = "Seconds of warm-up per target (default 10; smoke 1)." };
var rounds = new Option<int?>("--rounds") { Description = "Interleaved rounds; the table shows medians (default 3; smoke 1)." };
var connections = new Option<int[]>("--connections") { Description = "Concurrency levels; the first one feeds the RESULT line (default 64 8).", AllowMultipleArgumentsPerToken = true };
var workers = new Option<int?>("--grant-workers") { Description = "Concurrent token endpoint clients (default 16; smoke 4)." };
var idleLimit = new Option<double?>("--idle-limit") { Description = "Longest wait, in seconds, for an idle machine before each run (default 30; smoke 2)." };
var patience = new Option<double?>("--patience") { Description = "Minutes the whole run may spend waiting for idle and repeating busy runs (default 3)." };
var scenarios = new Option<string[]>("--scenarios") { Description = "Subset of: rest mcp token reject ingest realtime (default all).", AllowMultipleArgumentsPerToken = true };
var only = new Option<string[]>("--targets") { Description = "Measure only these targets of the chosen scenarios (e.g. facade facade-mcp), for quick A/B checks; ratios to targets left out are n/a.", AllowMultipleArgumentsPerToken = true };
var ingestDevices = new Option<int?>("--ingest-devices") { Description = "Simulated MQTT devices of the ingest scenario (default 200; smoke 20)." };
var ingestDuration = new Option<double?>("--ingest-duration") { Description = "Seconds per measured ingest run (default 10; smoke 1.5)." };
var realtimeSockets = new Option<int?>("--realtime-sockets") { Description = "Idle WebSockets of the realtime scenario (default 10000; smoke 100)." };
var realtimeSubscribers = new Option<int?>("--realtime-subscribers") { Description = "Subscribers of the realtime fan-out (default 1000; smoke 20)." };
var edgeArgs = new Option<string[]>("--edge-arg") { Description = "Extra argument for the edge (tuning experiments), e.g. --edge-arg=--Kestrel:Limits:MaxConcurrentConnections=1000. Repeatable." };
var edgeEnvironment = new Option<string[]>("--edge-env") { Description = "Extra environment variable for the edge only (runtime experiments), e.g. --edge-env=DOTNET_gcServer=0. Repeatable." };
var signing = new Option<string?>("--signing") { Description = "The edge's signing algorithm: RS256 (default) or ES256 (an ECDSA P-256 certificate); HAProxy verifies the same." };
signing.AcceptOnlyFromAmong("RS256", "ES256");
var mcpArgs = new Option<string[]>("--mcp-adapter-arg") { Description = "Extra argument for the MCP adapter; {edge} {backend} {url} are replaced. Repeatable." };
var mcpTool = new Option<string?>("--mcp-tool") { Description = "The MCP tool scenario 2 calls (default: the first read-only tool without required arguments)." };
var configuration = new Option<string?>("--configuration") { Description = "Build configuration of the servers to run (default Release)." };
var root = new Option<string?>("--root") { Description = "The repository (default: found above the current folder)." };
var output = new Option<string?>("--output") { Description = "Markdown file to write (default bench/results/<UTC time>.md; smoke: bench/results/smoke.md)." };
var keep = new Option<bool>("--keep") { Description = "Keep the scratch folder (configs, logs, data)." };
var soak = new Option<bool>("--soak") { Description = "Instead of the benchmark: the whole system under a steady mixed load (REST, MCP, MQTT, realtime), watching errors, memory and lost telemetry (./run.sh soak)." };
var cluster = new Option<bool>("--cluster") { Description = "Instead of the scenarios: one edge vs two behind HAProxy (SQLite, PostgreSQL + Redis), CPU per request and revocation propagation." };
var soakMinutes = new Option<double?>("--minutes") { Description = "Length of the soak in minutes (default 10)." };

var command = new RootCommand("Facade benchmark harness")
{
    smoke, duration, warmup, rounds, connections, workers, idleLimit, patience, scenarios, only, ingestDevices, ingestDuration, realtimeSockets, realtimeSubscribers, edgeArgs, edgeEnvironment, signing, mcpArgs, mcpTool,
    configuration, root, output, keep, soak, soakMinutes, cluster,
};
command.SetAction(async (result, cancel) =>
{
    var defaults = result.GetValue(smoke) ? BenchSettings.ForSmoke() : new BenchSettings();
    var chosen = result.GetValue(scenarios) is { Length: > 0 } names ? names : BenchSettings.AllScenarios;
    var unknown = chosen.Except(BenchSettings.AllScenarios).ToList();
    if (unknown.Count > 0)
    {
        Console.Error.WriteLine($"Unknown scenario(s): {string.Join(", ", unknown)}; choose from {string.Join(" ", BenchSettings.AllScenarios)}.");
        return 2;
    }

    var settings = defaults with
    {
        Duration = result.GetValue(duration) is { } d ? TimeSpan.FromSeconds(d) : defaults.Duration,
        Warmup = result.GetValue(warmup) is { } w ? TimeSpan.FromSeconds(w) : defaults.Warmup,
        Rounds = result.GetValue(rounds) ?? defaults.Rounds,
        Connections = result.GetValue(connections) is { Length: > 0 } c ? c : defaults.Connections,
        GrantWorkers = result.GetValue(workers) ?? defaults.GrantWorkers,
        IdleLimit = result.GetValue(idleLimit) is { } i ? TimeSpan.FromSeconds(i) : defaults.IdleLimit,
        Patience = result.GetValue(patience) is { } p ? TimeSpan.FromMinutes(p) : defaults.Patience,
        Scenarios = chosen.ToHashSet(),
        Targets = result.GetValue(only) is { Length: > 0 } t ? t.ToHashSet() : null,
        IngestDevices = result.GetValue(ingestDevices) ?? defaults.IngestDevices,
        IngestDuration = result.GetValue(ingestDuration) is { } id ? TimeSpan.FromSeconds(id) : defaults.IngestDuration,
        Output = result.GetValue(output) is { } o ? Path.GetFullPath(o) : null,
        EdgeArgs = result.GetValue(edgeArgs) ?? [],
        EdgeEnvironment = result.GetValue(edgeEnvironment) ?? [],
        RealtimeSockets = result.GetValue(realtimeSockets) ?? defaults.RealtimeSockets,
        RealtimeSubscribers = result.GetValue(realtimeSubscribers) ?? defaults.RealtimeSubscribers,
        Signing = result.GetValue(signing) ?? defaults.Signing,
        Configuration = result.GetValue(configuration) ?? defaults.Configuration,
        Keep = result.GetValue(keep),
    };

    var repository = result.GetValue(root) ?? FindRepository();
    var work = Directory.CreateTempSubdirectory("facade-bench-").FullName;
    var context = new BenchContext(settings, repository, work);
    var mcp = new McpOptions(result.GetValue(mcpArgs) ?? [], result.GetValue(mcpTool));
    if (result.GetValue(soak))
    {
        var soakSettings = result.GetValue(soakMinutes) is { } minutes ? new SoakSettings { Duration = TimeSpan.FromMinutes(minutes) } : new SoakSettings();
        return await RunAsync(new SoakRun(context, mcp, soakSettings), r => r.RunAsync(cancel), r => r.StopAsync(), settings.Keep, work);
    }

    if (result.GetValue(cluster))
    {
        return await RunAsync(new ClusterRun(context), r => r.RunAsync(cancel), r => r.StopAsync(), settings.Keep, work);
    }

    return await RunAsync(new BenchRun(context, mcp), r => r.RunAsync(cancel), r => r.StopAsync(), settings.Keep, work);
});
return await command.Parse(args).InvokeAsync();

static async Task<int> RunAsync<TRun>(TRun run, Func<TRun, Task<int>> execute, Func<TRun, ValueTask> stop, bool keep, string work)
{
    try
    {
        return await execute(run);
    }
    catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
    {
        Console.Error.WriteLine($"[bench] FAILED: {exception.Message}");
        return 1;
    }
    finally
    {
        await stop(run);
        if (!keep)
        {
            Directory.Delete(work, recursive: true);
        }
    }
}

static string FindRepository()
{
    for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Facade.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("Run from inside the repository or pass --root.");
}
