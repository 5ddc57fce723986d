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
    private readonly Func<ServerProcess> _launch;

    private EdgeServer(BenchContext context, string[] settings, string apiKeyPepper, ServerProcess process, string signingPublicKey,
        string adapterClientSecret, Func<ServerProcess> launch)
    {
        _launch = launch;
        _context = context;
        _settings = settings;
        _apiKeyPepper = apiKeyPepper;
        Process = process;
        SigningPublicKeyPem = signingPublicKey;
        AdapterClientSecret = adapterClientSecret;
    }

    public string AdapterClientSecret { get; }

    public ServerProcess Process { get; private set; }

    /// <summary>Issuer and canonical resource (<c>aud</c>) of its tokens.</summary>
    public string PublicUrl => Process.BaseUrl.AbsoluteUri;

    public string SigningPublicKeyPem { get; }

    public static async Task<EdgeServer> StartAsync(BenchContext context, Uri backend, Uri mcpAdapter, Uri deviceEdge)
    {
        var url = Ports.Loopback(Ports.Free());
        var folder = context.Folder("edge");

        // Routes, keys and data in separate folders, as a deployment would: the routes file is watched for changes
        // (recursively, by its folder), and a database in that folder would wake the watcher on every write.
        var keys = context.Folder("edge/keys");
        var signing = Certificates.Create(keys, "signing", X509KeyUsageFlags.DigitalSignature, context.Settings.Signing);
        var routes = Path.Combine(context.Folder("edge/config"), "yarp.json");
        await File.WriteAllTextAsync(routes, RoutesFile(backend, mcpAdapter));

        string[] settings =
        [
            "--environment=Production",
            $"--Facade:PublicUrl={url.AbsoluteUri}",
            $"--Facade:DataDirectory={Path.Combine(folder, "data")}",

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
        ServerProcess Launch() => ServerProcess.Start("facade", url, "dotnet",
        [
            dll, "--urls", Peers.Origin(url), .. settings,
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
            WithSecret(WithSecret(BenchContext.DotnetEnvironment(), "Facade__Clients__0__ClientSecret", adapterSecret), PepperVariable, pepper));
        return new EdgeServer(context, settings, pepper, await Launch().ReadyAsync("healthz", TimeSpan.FromSeconds(90)), signing.PublicKeyPem, adapterSecret, Launch);
    }

    /// <summary>
    /// Cold start: stops the edge and starts it again on the same URL, data and keys, timing process start to the first
    /// proxied 200 (<c>GET /api/tasks</c> with a token issued before the restart, so the JWT check, the ledger and YARP
    /// are all on the path). The new process replaces <see cref="Process"/>.
    /// </summary>
    public async Task<double> RestartAndTimeFirstProxiedAsync(string accessToken)
    {
        await Process.DisposeAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Process = _launch();
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
