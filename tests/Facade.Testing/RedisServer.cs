using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Facade.Testing;

/// <summary>
/// A real Redis from Debian's <c>redis-server</c> package (<c>./run.sh test</c> installs it) on a free loopback port,
/// without persistence, for one test class. It can be killed and started again on the same port (fault drills).
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string Program = "/usr/bin/redis-server";
    private readonly ProcessOutput _output = new();
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string of this server (quick reconnects, for the drills).</summary>
    public string Configuration => $"127.0.0.1:{Port},connectTimeout=2000,connectRetry=1";

    public string Log => _output.Text;

    public static async Task<RedisServer> StartAsync()
    {
        if (!File.Exists(Program))
        {
            throw new InvalidOperationException($"{Program} is missing: install Debian's redis-server (apt-get install -y redis-server; ./run.sh test does).");
        }

        var server = new RedisServer(LoopbackPort.Free());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Kills the server at once (SIGKILL), as a crash or a cut cable would look to its clients.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    public async Task StartAgainAsync()
    {
        var startInfo = new ProcessStartInfo(Program, [
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--protected-mode", "yes", "--daemonize", "no"]);
        _process = _output.Start(startInfo);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await PingAsync())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"redis-server did not answer on port {Port}:\n{Log}");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
