namespace Facade.Bench.Soak;

/// <summary>
/// The steady mixed load of <c>./run.sh soak</c>: far below what the machine can do (the benchmark measures that), so
/// what shows is what time alone does — errors, memory that keeps growing, telemetry that goes missing.
/// </summary>
internal sealed record SoakSettings
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Authenticated REST requests per second through the edge.</summary>
    public int RestPerSecond { get; init; } = 200;

    /// <summary>MCP <c>tools/call</c>s per second through the edge and the adapter.</summary>
    public int McpPerSecond { get; init; } = 40;

    /// <summary>Simulated devices; each publishes telemetry at QoS 1 and has one realtime subscriber on its channel.</summary>
    public int Devices { get; init; } = 20;

    public double MessagesPerDevicePerSecond { get; init; } = 2;

    /// <summary>How often every service's memory is read.</summary>
    public TimeSpan SampleInterval => Duration < TimeSpan.FromMinutes(2) ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(30);

    /// <summary>The memory reading the end is compared with: after a fifth of the run (at most a minute), warm.</summary>
    public TimeSpan Warm => Duration / 5 < TimeSpan.FromMinutes(1) ? Duration / 5 : TimeSpan.FromMinutes(1);
}
