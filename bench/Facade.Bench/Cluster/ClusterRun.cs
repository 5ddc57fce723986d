using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Facade.Bench.Load;
using Facade.Bench.Machine;
using Facade.Bench.Scenarios;
using Facade.Bench.Servers;
using Facade.Testing;

namespace Facade.Bench.Cluster;

/// <summary>
/// <c>./run.sh bench --cluster</c>: one edge against two behind HAProxy on this machine, in one run. Three layouts,
/// each behind its own HAProxy and measured with wrk on the same authenticated request: one edge on SQLite; two edges
/// sharing one SQLite folder (two processes, no shared engines); two edges on PostgreSQL with the Redis revocation bus
/// (the scaled topology). Two nodes cannot beat one on two cores; the coordination overhead is what the shared engines
/// add per request, two edges on PostgreSQL + Redis against two on SQLite. Then revocation propagation: a token B has
/// just accepted is revoked on A, and B is asked until it refuses it.
/// </summary>
internal sealed class ClusterRun(BenchContext context)
{
    private readonly List<ServerProcess> _servers = [];
    private readonly List<IAsyncDisposable> _engines = [];
    private readonly List<string> _problems = [];

    public async Task<int> RunAsync(CancellationToken cancel)
    {
        var settings = context.Settings;
        var started = DateTimeOffset.UtcNow;
        var backend = await Peers.StartBackendAsync(context);
        _servers.Add(backend);
        Log("starting PostgreSQL and Redis");
        var postgres = await PostgreSqlServer.StartAsync();
        _engines.Add(postgres);
        var redis = await RedisServer.StartAsync();
        _engines.Add(redis);
        var database = await postgres.CreateDatabaseAsync(cancel);

        Layout[] layouts =
        [
            new("one edge, SQLite", "one", 1, []),
            new("two edges, one SQLite folder", "two-sqlite", 2, []),
            new("two edges, PostgreSQL + Redis", "two-postgresql", 2,
                ["--Facade:DatabaseProvider=PostgreSql", $"--Facade:ConnectionString={database}", $"--Facade:Redis:Configuration={redis.Configuration}"]),
        ];
        var results = new List<LayoutResult>();
        foreach (var layout in layouts)
        {
            results.Add(await MeasureAsync(layout, backend, cancel));
        }

        var report = Render(started, results);
        var output = settings.Output ?? Path.Combine(context.Root, "bench", "results",
            settings.Smoke ? "cluster-smoke.md" : $"cluster-{started.UtcDateTime:yyyy-MM-dd-HHmm}.md");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, report, cancel);
        Console.WriteLine();
        Console.Write(report);
        Log($"written to {output}");
        return _problems.Count == 0 ? 0 : 1;
    }

    public async ValueTask StopAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        foreach (var engine in _engines)
        {
            await engine.DisposeAsync();
        }
    }

    private async Task<LayoutResult> MeasureAsync(Layout layout, ServerProcess backend, CancellationToken cancel)
    {
        var settings = context.Settings;
        Log($"{layout.Name}: starting");
        var (port, publicUrl) = HaproxyBalancer.Reserve();
        var unused = Ports.Loopback(Ports.Free()); // no adapter or device edge in this run
        var edge = await EdgeServer.StartAsync(context, backend.BaseUrl, unused, unused, new EdgeTopology($"cluster-{layout.Key}", publicUrl, layout.Settings));
        var nodes = new List<ServerProcess> { edge.Process };
        if (layout.Nodes == 2)
        {
            nodes.Add(await edge.StartNodeAsync($"cluster-{layout.Key}-b"));
        }

        await using var balancer = await HaproxyBalancer.StartAsync(port, nodes.Select(n => n.BaseUrl));
        try
        {
            using var tokens = await EdgeTokens.GetAsync(edge, via: publicUrl);
            var request = new[] { RequestSpec.Get(Sanity.TasksPath, tokens.Access) };
            var scripts = context.Folder("wrk");
            var connections = settings.Connections[0];
            // Each node gets its share of the warm-up traffic: as much warm-up per node as one edge alone gets.
            await Wrk.RunAsync(publicUrl, request, connections, settings.Warmup * nodes.Count, scripts);
            var runs = new List<(LoadResult Load, double EdgeCpuUs, double BalancerCpuUs)>();
            for (var round = 1; round <= settings.Rounds; round++)
            {
                await IdleWaiter.WaitAsync(settings.IdleThreshold, settings.IdleQuiet, settings.IdleLimit, cancel);
                var edgeBefore = nodes.Sum(n => n.CpuTicks());
                var balancerBefore = ProcStat.ProcessTicks(balancer.ProcessId);
                var load = await Wrk.RunAsync(publicUrl, request, connections, settings.Duration, scripts);
                var edgeCpu = PerRequest(nodes.Sum(n => n.CpuTicks()) - edgeBefore, load.Requests);
                var balancerCpu = PerRequest(ProcStat.ProcessTicks(balancer.ProcessId) - balancerBefore, load.Requests);
                Log($"{layout.Name} round {round}: {load.Rps:0} req/s, p99 {load.P99Ms:0.00} ms, edges {edgeCpu:0} µs CPU/request, HAProxy {balancerCpu:0}");
                if (load.StatusErrors > 0 || load.SocketErrors > 0)
                {
                    _problems.Add($"{layout.Name}: {load.StatusErrors} non-2xx answers, {load.SocketErrors} socket errors.");
                }

                runs.Add((load, edgeCpu, balancerCpu));
            }

            var propagation = nodes.Count == 2 ? await PropagationAsync(layout, tokens, nodes[0], nodes[1], cancel) : null;
            return new LayoutResult(layout, Summary.Median(runs.Select(r => r.Load.Rps)), Summary.Median(runs.Select(r => r.Load.P99Ms)),
                Summary.Median(runs.Select(r => r.EdgeCpuUs)), Summary.Median(runs.Select(r => r.BalancerCpuUs)), propagation);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Each sample: a fresh access token (refresh grant), accepted by B (so B remembers it as active), revoked on A; the
    /// time from A's answer to B's first 401. Without Redis, B finds it when it reads the ledger again (at most
    /// <c>Facade:Ledger:RevocationCheckInterval</c>, 1 s); with Redis, when the bus tells it.
    /// </summary>
    private async Task<double[]> PropagationAsync(Layout layout, EdgeTokens tokens, ServerProcess a, ServerProcess b, CancellationToken cancel)
    {
        var samples = context.Settings.Smoke ? 5 : 40;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var refresh = await tokens.NewRefreshTokenAsync();
        var times = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var grant = await tokens.OAuth.RefreshAsync(tokens.Client, refresh, tokens.Resource, cancel);
            refresh = grant.RefreshToken ?? throw new InvalidOperationException($"No refresh token: {grant.Json}");
            var access = grant.AccessToken!;
            if (await StatusAsync(http, b, access, cancel) != HttpStatusCode.OK)
            {
                _problems.Add($"{layout.Name}: a fresh token was refused by B before it was revoked.");
                continue;
            }

            using (var revoke = await http.PostAsync(new Uri(a.BaseUrl, "oauth/revoke"),
                new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = access, ["client_id"] = tokens.Client.ClientId }), cancel))
            {
                revoke.EnsureSuccessStatusCode();
            }

            var clock = Stopwatch.StartNew();
            while (await StatusAsync(http, b, access, cancel) == HttpStatusCode.OK)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(5))
                {
                    _problems.Add($"{layout.Name}: B still accepted a token 5 s after A revoked it.");
                    break;
                }

                await Task.Delay(1, cancel);
            }

            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Log($"{layout.Name}: revocation on A refused by B after p50 {Percentile(times, 0.5):0.0} ms, p99 {Percentile(times, 0.99):0.0} ms ({times.Count} samples)");
        return [.. times];
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, ServerProcess node, string token, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node.BaseUrl, Sanity.TasksPath.TrimStart('/')));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancel);
        return response.StatusCode;
    }

    private string Render(DateTimeOffset started, IReadOnlyList<LayoutResult> results)
    {
        var c = CultureInfo.InvariantCulture;
        var settings = context.Settings;
        var text = new StringBuilder();
        text.AppendLine(c, $"# Cluster, {started:yyyy-MM-dd HH:mm} UTC").AppendLine();
        text.AppendLine(c, $"{Environment.ProcessorCount} cores, {settings.Configuration} build; wrk -c{settings.Connections[0]} `GET /api/tasks` with one token " +
            $"through HAProxy (round robin), {settings.Rounds} × {settings.Duration.TotalSeconds:0.#} s after {settings.Warmup.TotalSeconds:0.#} s of warm-up; medians. " +
            $"CPU per request is the edges' (all nodes) and HAProxy's.").AppendLine();
        text.AppendLine("| layout | req/s | p99 ms | edges µs CPU/req | HAProxy µs CPU/req | revocation seen by B p50 / p99 / max ms |");
        text.AppendLine("|---|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            var propagation = r.Propagation is { Length: > 0 } p ? $"{Percentile(p, 0.5):0.0} / {Percentile(p, 0.99):0.0} / {p[^1]:0.0} ({p.Length})" : "—";
            text.AppendLine(c, $"| {r.Layout.Name} | {r.Rps:0} | {r.P99Ms:0.00} | {r.EdgeCpuUs:0} | {r.BalancerCpuUs:0} | {propagation} |");
        }

        var one = results[0];
        var twoSqlite = results[1];
        var twoShared = results[2];
        var overhead = twoShared.EdgeCpuUs / twoSqlite.EdgeCpuUs - 1;
        text.AppendLine().AppendLine(c, $"Coordination overhead (two edges on PostgreSQL + Redis vs two on one SQLite folder, edge CPU per request): {overhead:+0.0%;-0.0%}. " +
            $"Two edges vs one: {twoShared.Rps / one.Rps:0.00}× the requests per second, {twoShared.EdgeCpuUs / one.EdgeCpuUs:0.00}× the edge CPU per request.");
        foreach (var problem in _problems)
        {
            text.AppendLine(c, $"- PROBLEM: {problem}");
        }

        var bus = twoShared.Propagation ?? [];
        var polled = twoSqlite.Propagation ?? [];
        text.AppendLine().AppendLine(c, $"RESULT cluster_one_rps={one.Rps:0} cluster_two_rps={twoShared.Rps:0} one_cpu_us={one.EdgeCpuUs:0} two_sqlite_cpu_us={twoSqlite.EdgeCpuUs:0} " +
            $"two_postgresql_redis_cpu_us={twoShared.EdgeCpuUs:0} coordination_overhead={overhead:0.000} " +
            $"propagation_redis_p99_ms={Percentile(bus, 0.99):0.0} propagation_ledger_p99_ms={Percentile(polled, 0.99):0.0}");
        return text.ToString();
    }

    private static double PerRequest(long ticks, long requests) => ticks / ProcStat.TicksPerSecond * 1e6 / Math.Max(1, requests);

    private static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static void Log(string message) => Console.Error.WriteLine("[cluster] " + message);

    private sealed record Layout(string Name, string Key, int Nodes, IReadOnlyList<string> Settings);

    private sealed record LayoutResult(Layout Layout, double Rps, double P99Ms, double EdgeCpuUs, double BalancerCpuUs, double[]? Propagation);
}
