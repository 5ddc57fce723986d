using System.Diagnostics;
using System.Text.RegularExpressions;
using Facade.Testing;

namespace Facade.DeviceEdge.Tests.Telemetry;

/// <summary>
/// The real device edge as a separate process (the build in this test's output folder), so a test can kill it the
/// way a crash or <c>kill -9</c> does: no shutdown, no flush, nothing but what was already on disk survives.
/// </summary>
internal sealed partial class DeviceEdgeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<(Uri Http, int Mqtt)> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Text.StringBuilder _output = new();
    private Uri? _http;
    private int? _mqtt;

    private DeviceEdgeProcess(Process process) => _process = process;

    public Uri BaseUrl { get; private set; } = null!;

    public int MqttPort { get; private set; }

    public static async Task<DeviceEdgeProcess> StartAsync(Uri issuer, string dataDirectory)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Facade.DeviceEdge.dll"),
            "--environment=Production",
            "--hostBuilder:reloadConfigOnChange=false",
            "--urls=http://127.0.0.1:0",
            $"--DeviceEdge:Issuer={issuer.AbsoluteUri}",
            $"--DeviceEdge:DataDirectory={dataDirectory}",
            "--DeviceEdge:Mqtt:Port=0",
            $"--DeviceEdge:Revocations:ClientId={DeviceEdgeHost.RevocationClientId}",
            $"--DeviceEdge:Revocations:ClientSecret={DeviceEdgeHost.RevocationClientSecret}",
            "--Logging:LogLevel:Default=Information",
            "--Logging:Console:FormatterName=simple",
            "--Logging:Console:FormatterOptions:SingleLine=true",
        })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start the device edge.");
        var edge = new DeviceEdgeProcess(process);
        process.OutputDataReceived += (_, e) => edge.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => edge.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            (edge.BaseUrl, edge.MqttPort) = await edge._listening.Task.WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            await edge.DisposeAsync();
            throw new TimeoutException("The device edge did not start:\n" + edge.Output);
        }

        return edge;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public HttpClient CreateClient(string token)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseUrl };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>SIGKILL: the process ends at once, mid-whatever.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _listening.TrySetException(new InvalidOperationException("The device edge exited:\n" + Output));
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (HttpListening().Match(line) is { Success: true } http)
        {
            _http = new Uri(http.Groups[1].Value.TrimEnd('/') + "/");
        }
        else if (MqttListening().Match(line) is { Success: true } mqtt)
        {
            _mqtt = int.Parse(mqtt.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (_http is not null && _mqtt is not null)
        {
            _listening.TrySetResult((_http, _mqtt.Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex HttpListening();

    [GeneratedRegex(@"MQTT broker listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex MqttListening();
}
