using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Facade.Bench.Servers;

/// <summary>
/// Facade's edge as it runs in production: Production environment, a signing certificate from a file, the Data
/// Protection key ring (codes, refresh tokens) in the keys folder, SQLite data folder, a
/// local user created with the admin command, the shipped appsettings.json (logging, ledger, rate limits), and a routes
/// file with the same route shape as yarp.json pointing at the benchmark backend.
/// </summary>
internal sealed class EdgeServer
{
    public const string UserName = "bench";
    public const string Password = "bench-password-123";
    public const string TasksScope = "tasks:read";

    /// <summary>The edge's API-key pepper (<c>Facade:ApiKeys:HashKey</c>), passed in the environment only.</summary>
    private const string PepperVariable = "Facade__ApiKeys__HashKey";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The resource-server client the MCP adapter follows the edge's revocation feed with.</summary>
    public const string AdapterClientId = "bench-mcp-adapter";

    private readonly BenchContext _context;
    private readonly string[] _settings;
    private readonly string _apiKeyPepper;
    private readonly Func<Uri, string, ServerProcess> _launch;

    private EdgeServer(BenchContext context, string[] settings, string apiKeyPepper, ServerProcess process, string signingPublicKey,
        string adapterClientSecret, Uri publicUrl, Func<Uri, string, ServerProcess> launch)
    {
        _launch = launch;
        PublicUrl = publicUrl.AbsoluteUri;
        _context = context;
        _settings = settings;
        _apiKeyPepper = apiKeyPepper;
        Process = process;
        SigningPublicKeyPem = signingPublicKey;
        AdapterClientSecret = adapterClientSecret;
    }

    public string AdapterClientSecret { get; }

    public ServerProcess Process { get; private set; }

    /// <summary>Issuer and canonical resource (<c>aud</c>) of its tokens: its own URL, or a cluster's balancer.</summary>
    public string PublicUrl { get; }

    public string SigningPublicKeyPem { get; }

    public static Task<EdgeServer> StartAsync(BenchContext context, Uri backend, Uri mcpAdapter, Uri deviceEdge) =>
        StartAsync(context, backend, mcpAdapter, deviceEdge, new EdgeTopology());

    /// <summary>
    /// The edge, or the first node of a cluster (<paramref name="topology"/>: the balancer's URL as the public URL, the
    /// shared database settings); <see cref="StartNodeAsync"/> starts more nodes with the same keys and settings.
    /// </summary>
    public static async Task<EdgeServer> StartAsync(BenchContext context, Uri backend, Uri mcpAdapter, Uri deviceEdge, EdgeTopology topology)
    {
        var url = Ports.Loopback(Ports.Free());
        var publicUrl = topology.PublicUrl ?? url;
        var folder = context.Folder(topology.Folder);

        // Routes, keys and data in separate folders, as a deployment would.
        var keys = context.Folder($"{topology.Folder}/keys");
        var signing = Certificates.Create(keys, "signing", X509KeyUsageFlags.DigitalSignature, context.Settings.Signing);
        var routes = Path.Combine(context.Folder($"{topology.Folder}/config"), "yarp.json");
        await File.WriteAllTextAsync(routes, RoutesFile(backend, mcpAdapter));

        string[] settings =
        [
            "--environment=Production",
            $"--Facade:PublicUrl={publicUrl.AbsoluteUri}",
            $"--Facade:DataDirectory={Path.Combine(folder, "data")}",
            .. topology.Settings ?? [],

            // Experiments (e.g. another database) apply to the admin commands too: they must see the edge's database.
            .. context.Settings.EdgeArgs,
        ];
        var proxyFolder = Path.Combine(context.Root, "proxy");
        var dll = context.Dll("proxy", "Facade.Proxy");

        // Production refuses to start without the API keys' pepper; the edge and its admin commands share it.
        var pepper = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var (exit, output) = await Exec.RunAsync("dotnet", [dll, "users", "add", UserName, "--password-stdin", .. settings],
            stdin: Password, workingDirectory: proxyFolder, environment: WithSecret(BenchContext.DotnetEnvironment(), PepperVariable, pepper));
        if (exit != 0)
        {
            throw new InvalidOperationException($"Creating the benchmark user failed ({exit}): {output}");
        }

        var adapterSecret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        ServerProcess Launch(Uri listen, string name) => ServerProcess.Start(name, listen, "dotnet",
        [
            dll, "--urls", Peers.Origin(listen), .. settings,
            $"--Facade:Clients:0:ClientId={AdapterClientId}",
            "--Facade:Clients:0:Introspection=true",
            $"--Facade:Keys:SigningCertificates:0:Path={signing.Pfx}",
            $"--Facade:Keys:DataProtectionDirectory={Path.Combine(keys, "data-protection")}",
            $"--Facade:Edge:RoutesFile={routes}",

            // The shipped per-caller limiter stays on every route; its window is raised so one benchmark token is not throttled.
            "--Facade:RateLimits:Policies:per-caller:PermitLimit=10000000",

            // The realtime scenario holds thousands of sockets with one user's token.
            $"--Facade:Realtime:DeviceEdgeUrl={deviceEdge.AbsoluteUri}",
            $"--Facade:Realtime:MaxConnectionsPerUser={context.Settings.RealtimeSockets + context.Settings.RealtimeSubscribers + 16}",
            .. context.Settings.EdgeArgs, // again last: an experiment may override the settings above too
        ], proxyFolder, context.Logs,
            WithSecret(WithSecret(Experiment(BenchContext.DotnetEnvironment(), context.Settings), "Facade__Clients__0__ClientSecret", adapterSecret), PepperVariable, pepper));
        var process = await Launch(url, topology.Folder == "edge" ? "facade" : topology.Folder).ReadyAsync("healthz", TimeSpan.FromSeconds(90));
        return new EdgeServer(context, settings, pepper, process, signing.PublicKeyPem, adapterSecret, publicUrl, Launch);
    }

    /// <summary>One more node of the same cluster: same keys, settings and database, its own port.</summary>
    public Task<ServerProcess> StartNodeAsync(string name) =>
        _launch(Ports.Loopback(Ports.Free()), name).ReadyAsync("healthz", TimeSpan.FromSeconds(90));

    /// <summary>
    /// Cold start: stops the edge and starts it again on the same URL, data and keys, timing process start to the first
    /// proxied 200 (<c>GET /api/tasks</c> with a token issued before the restart, so the JWT check, the ledger and YARP
    /// are all on the path). The new process replaces <see cref="Process"/>.
    /// </summary>
    public async Task<double> RestartAndTimeFirstProxiedAsync(string accessToken)
    {
        await Process.DisposeAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Process = _launch(Process.BaseUrl, Process.Name);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (Process.HasExited)
            {
                throw new InvalidOperationException($"The restarted edge exited.\n{Process.Tail()}");
            }

            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Process.BaseUrl, Scenarios.Sanity.TasksPath.TrimStart('/')));
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
                using var response = await http.SendAsync(request);
                if (response.StatusCode == System.Net.HttpStatusCode.OK)
                {
                    return clock.Elapsed.TotalMilliseconds;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(5);
        }

        throw new TimeoutException("The restarted edge did not proxy a request within 90 s.\n" + Process.Tail());
    }

    /// <summary>
    /// A new API key of the benchmark user, made by the edge's admin command (<c>keys create</c>) on the running edge's
    /// database, as an operator would: a user key, or with <paramref name="agentId"/> an agent key bound to that agent.
    /// The key is the last line the command prints; it is handed on only through environments and request headers.
    /// </summary>
    public async Task<string> CreateKeyAsync(string scopes, string? agentId = null)
    {
        string[] agent = agentId is null ? [] : ["--agent", agentId];
        var (exit, output) = await Exec.RunAsync("dotnet",
            [_context.Dll("proxy", "Facade.Proxy"), "keys", "create", "--user", UserName, .. agent, "--scopes", scopes, "--label", "bench", .. _settings],
            workingDirectory: Path.Combine(_context.Root, "proxy"), environment: WithSecret(BenchContext.DotnetEnvironment(), PepperVariable, _apiKeyPepper));
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var key = exit == 0 ? lines.LastOrDefault(l => l.StartsWith("fk_", StringComparison.Ordinal)) : null;

        // Never echo the output on success paths; on failure it holds no key.
        return key ?? throw new InvalidOperationException($"keys create --scopes \"{scopes}\" failed ({exit}): {string.Join(' ', lines.Where(l => !l.StartsWith("fk_", StringComparison.Ordinal)))}");
    }

    private static Dictionary<string, string> Experiment(Dictionary<string, string> environment, BenchSettings settings)
    {
        foreach (var variable in settings.EdgeEnvironment)
        {
            var split = variable.IndexOf('=', StringComparison.Ordinal);
            if (split <= 0)
            {
                throw new InvalidOperationException($"--edge-env takes KEY=VALUE, not '{variable}'.");
            }

            environment[variable[..split]] = variable[(split + 1)..];
        }

        return environment;
    }

    /// <summary>Secrets go to the child process's environment, not its command line (which every local user can read).</summary>
    public static Dictionary<string, string> WithSecret(Dictionary<string, string> environment, string key, string secret)
    {
        environment[key] = secret;
        return environment;
    }

    /// <summary>The shipped route shape (yarp.json): scope metadata and the per-caller rate limit, /mcp to the adapter, forward mode.</summary>
    private static string RoutesFile(Uri backend, Uri mcpAdapter)
    {
        var routes = new JsonObject
        {
            ["tasks-read"] = new JsonObject
            {
                ["ClusterId"] = "legacy",
                ["Match"] = new JsonObject { ["Path"] = "/api/tasks/{**rest}", ["Methods"] = new JsonArray("GET", "HEAD") },
                ["Metadata"] = new JsonObject { ["Facade.Scopes"] = TasksScope },
                ["RateLimiterPolicy"] = "per-caller",
            },
            ["mcp"] = new JsonObject
            {
                ["ClusterId"] = "mcp-adapter",
                ["Match"] = new JsonObject { ["Path"] = "/mcp/{**rest}" },
                ["RateLimiterPolicy"] = "per-caller",
            },
        };
        var clusters = new JsonObject
        {
            ["legacy"] = Cluster(backend, "00:00:30"),
            ["mcp-adapter"] = Cluster(mcpAdapter, "00:02:00"),
        };
        var file = new JsonObject { ["ReverseProxy"] = new JsonObject { ["Routes"] = routes, ["Clusters"] = clusters } };
        return file.ToJsonString(Indented);
    }

    private static JsonObject Cluster(Uri address, string activityTimeout) => new()
    {
        ["Destinations"] = new JsonObject { ["primary"] = new JsonObject { ["Address"] = address.AbsoluteUri } },
        ["HttpRequest"] = new JsonObject { ["ActivityTimeout"] = activityTimeout },
        ["Metadata"] = new JsonObject { ["Facade.UpstreamToken"] = "forward" },
    };
}

/// <summary>Where an edge runs: its folder under the scratch folder, the public URL (a balancer's), extra settings.</summary>
internal sealed record EdgeTopology(string Folder = "edge", Uri? PublicUrl = null, IReadOnlyList<string>? Settings = null);
