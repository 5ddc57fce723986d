namespace Facade.Bench;

/// <summary>How long and how often to measure; <c>--smoke</c> shrinks everything to a few seconds.</summary>
internal sealed record BenchSettings
{
    public const string RestScenario = "rest";
    public const string McpScenario = "mcp";
    public const string TokenScenario = "token";
    public const string RejectScenario = "reject";
    public const string IngestScenario = "ingest";
    public const string RealtimeScenario = "realtime";

    public static readonly string[] AllScenarios = [RestScenario, McpScenario, TokenScenario, RejectScenario, IngestScenario, RealtimeScenario];

    public bool Smoke { get; init; }

    /// <summary>Length of one measured run.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>Unmeasured load on each target before its first measured run (tiered JIT of the .NET servers settles in it).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Interleaved rounds; every figure in the table is the median over them.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>Concurrent connections; the first is the one the RESULT ratios use.</summary>
    public IReadOnlyList<int> Connections { get; init; } = [64, 8];

    /// <summary>Concurrent clients of the token endpoint.</summary>
    public int GrantWorkers { get; init; } = 16;

    /// <summary>The machine counts as idle below this share of all cores…</summary>
    public double IdleThreshold { get; init; } = 0.10;

    /// <summary>…for this long.</summary>
    public TimeSpan IdleQuiet { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait for an idle machine before a run; then it runs anyway and the table says so.</summary>
    public TimeSpan IdleLimit { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A run is repeated when processes outside the benchmark used more than this share of all cores.</summary>
    public double BusyThreshold { get; init; } = 0.10;

    public int BusyRetries { get; init; } = 2;

    /// <summary>Total time the whole run may spend waiting for idle and repeating busy runs.</summary>
    public TimeSpan Patience { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Simulated devices (MQTT connections) of the ingest scenario.</summary>
    public int IngestDevices { get; init; } = 200;

    /// <summary>Length of one measured ingest run (the device edge's, and mosquitto's).</summary>
    public TimeSpan IngestDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Idle authenticated WebSockets the realtime scenario holds open (memory per socket).</summary>
    public int RealtimeSockets { get; init; } = 10_000;

    /// <summary>Sockets subscribed to one device's telemetry in the realtime fan-out.</summary>
    public int RealtimeSubscribers { get; init; } = 1_000;

    /// <summary>Spacing of the seeded day of readings the history query reads (1 s: 86,400 readings).</summary>
    public TimeSpan HistorySpacing { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Timed history queries (after one checked one).</summary>
    public int HistoryQueries { get; init; } = 200;

    public string Configuration { get; init; } = "Release";

    public IReadOnlySet<string> Scenarios { get; init; } = new HashSet<string>(AllScenarios);

    /// <summary>When set, only these targets (by name) are measured; null measures every target of the scenarios.</summary>
    public IReadOnlySet<string>? Targets { get; init; }

    /// <summary>The edge's signing key, and so its tokens' algorithm: <c>RS256</c> (the default) or <c>ES256</c>.</summary>
    public string Signing { get; init; } = "RS256";

    /// <summary>Extra arguments for the edge, e.g. <c>--Logging:LogLevel:Default=Warning</c>, for tuning experiments.</summary>
    public IReadOnlyList<string> EdgeArgs { get; init; } = [];

    /// <summary>Extra environment variables (<c>KEY=VALUE</c>) for the edge only: runtime knobs such as <c>DOTNET_gcServer=0</c>.</summary>
    public IReadOnlyList<string> EdgeEnvironment { get; init; } = [];

    /// <summary>Keep the scratch folder (configs, logs, data) after the run.</summary>
    public bool Keep { get; init; }

    /// <summary>Markdown file to write; by default <c>bench/results/&lt;UTC time&gt;.md</c> (<c>smoke.md</c> for smoke runs).</summary>
    public string? Output { get; init; }

    public bool Runs(string scenario) => Scenarios.Contains(scenario);

    public static BenchSettings ForSmoke() => new()
    {
        Smoke = true,
        Duration = TimeSpan.FromSeconds(1.5),
        Warmup = TimeSpan.FromSeconds(1),
        Rounds = 1,
        GrantWorkers = 4,
        IdleQuiet = TimeSpan.FromSeconds(1),
        IdleLimit = TimeSpan.FromSeconds(2),
        BusyRetries = 0,
        Patience = TimeSpan.FromSeconds(20),
        IngestDevices = 20,
        IngestDuration = TimeSpan.FromSeconds(1.5),
        RealtimeSockets = 100,
        RealtimeSubscribers = 20,
        HistorySpacing = TimeSpan.FromMinutes(1),
        HistoryQueries = 20,
    };
}
