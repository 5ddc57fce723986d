namespace Facade.Bench.Servers;

/// <summary>
/// Debian's mosquitto alone, the broker a platform team would otherwise run: anonymous on a free loopback port, no
/// persistence (it stores nothing: QoS 1 there means "the broker has it in memory"), in-flight and queue limits
/// raised so the one subscriber is not throttled by mosquitto's defaults (20 in flight, 1,000 queued), and Nagle's
/// algorithm off as in the device edge's broker (mosquitto leaves it on by default).
/// </summary>
internal static class Mosquitto
{
    public static string? Binary() =>
        new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto" }.FirstOrDefault(File.Exists);

    public static async Task<(ServerProcess Process, int Port)> StartAsync(BenchContext context)
    {
        var binary = Binary() ?? throw new InvalidOperationException("mosquitto is not installed (./run.sh bench installs Debian's package).");
        var port = Ports.Free();
        var folder = context.Folder("mosquitto");
        var config = Path.Combine(folder, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"""
            listener {port} 127.0.0.1
            allow_anonymous true
            persistence false
            max_inflight_messages 1000
            max_queued_messages 1000000
            set_tcp_nodelay true
            log_dest stderr
            log_type error
            log_type warning

            """);
        var process = ServerProcess.Start("mosquitto", new Uri($"mqtt://127.0.0.1:{port}/"), binary, ["-c", config], folder, context.Logs);
        try
        {
            await DeviceEdgeServer.WaitForTcpAsync(port, TimeSpan.FromSeconds(30), "mosquitto");
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }

        return (process, port);
    }

    public static async Task<string> VersionAsync() =>
        Binary() is { } binary ? System.Text.RegularExpressions.Regex.Match(await Exec.VersionAsync(binary, "-h"), @"\d+\.\d+(\.\d+)?").Value : "not installed";
}
