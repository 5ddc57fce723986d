using System.Diagnostics;
using System.Globalization;

namespace Facade.Testing;

/// <summary>
/// Debian's HAProxy (<c>./run.sh test</c> installs it) as the load balancer in front of several edges, configured as
/// <c>./run.sh cluster</c> does: round robin, health checks on <c>/healthz/live</c>, <c>X-Forwarded-For</c>, retries
/// and redispatch on a refused connection. Its port is reserved first (<see cref="Reserve"/>) because the edges need
/// its URL as their public URL before it can know their ports.
/// </summary>
public sealed class HaproxyBalancer : IAsyncDisposable
{
    public const string Program = "/usr/sbin/haproxy";
    private readonly ProcessOutput _output = new();
    private readonly string _directory;
    private Process? _process;

    private HaproxyBalancer(int port, string directory)
    {
        Port = port;
        _directory = directory;
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    /// <summary>The haproxy process (for its CPU time), 0 before it started.</summary>
    public int ProcessId => _process?.Id ?? 0;

    public string Log => _output.Text;

    /// <summary>A free loopback port for the balancer, and its URL (the edges' public URL).</summary>
    public static (int Port, Uri Url) Reserve()
    {
        var port = LoopbackPort.Free();
        return (port, new Uri($"http://127.0.0.1:{port}/"));
    }

    public static async Task<HaproxyBalancer> StartAsync(int port, IEnumerable<Uri> edges)
    {
        if (!File.Exists(Program))
        {
            throw new InvalidOperationException($"{Program} is missing: install Debian's haproxy (apt-get install -y haproxy; ./run.sh test does).");
        }

        var balancer = new HaproxyBalancer(port, Directory.CreateTempSubdirectory("facade-haproxy-").FullName);
        var servers = string.Join('\n', edges.Select((edge, i) =>
            $"  server edge{i} {edge.Host}:{edge.Port.ToString(CultureInfo.InvariantCulture)} check inter 200ms fall 2 rise 1"));
        var configuration = Path.Combine(balancer._directory, "haproxy.cfg");
        await File.WriteAllTextAsync(configuration, $"""
            global
              maxconn 1000
            defaults
              mode http
              timeout connect 1s
              timeout client 60s
              timeout server 60s
              timeout check 2s
              option forwardfor
              option redispatch
              retries 3
            frontend public
              bind 127.0.0.1:{port}
              default_backend edges
            backend edges
              balance roundrobin
              option httpchk GET /healthz/live
            {servers}

            """);
        balancer._process = balancer._output.Start(new ProcessStartInfo(Program, ["-db", "-f", configuration]));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(balancer.Url, "healthz/live"));
                if (response.IsSuccessStatusCode)
                {
                    return balancer;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (balancer._process.HasExited || DateTime.UtcNow > deadline)
            {
                var log = balancer.Log;
                await balancer.DisposeAsync();
                throw new InvalidOperationException($"haproxy did not answer on port {port}:\n{log}");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
