using System.Diagnostics;
using Facade.Bench.Machine;

namespace Facade.Bench.Servers;

/// <summary>
/// A long-running server the harness started (backend, proxies, edge). Output goes to a log file, not a pipe, so a
/// chatty server never blocks on a full pipe and its log can be shown when something fails.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(string name, Process process, string logPath, Uri baseUrl)
    {
        Name = name;
        _process = process;
        LogPath = logPath;
        BaseUrl = baseUrl;
    }

    public string Name { get; }

    public Uri BaseUrl { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ServerProcess Start(string name, Uri baseUrl, string file, IEnumerable<string> args, string workDirectory, string logDirectory,
        IDictionary<string, string>? environment = null)
    {
        var logPath = Path.Combine(logDirectory, name + ".log");
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = workDirectory };

        // exec: the pid we hold is the server itself, not a shell around it.
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$BENCH_LOG\" 2>&1 </dev/null");
        start.ArgumentList.Add(file);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["BENCH_LOG"] = logPath;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {name}.");
        return new ServerProcess(name, process, logPath, baseUrl);
    }

    /// <summary>CPU ticks (user + system) of the server and all its child processes so far.</summary>
    public long CpuTicks() => ProcStat.Tree(Pid).Sum(ProcStat.ProcessTicks);

    /// <summary>Resident memory of the server and its children, in MiB.</summary>
    public double RssMiB() => ProcStat.Tree(Pid).Sum(ProcStat.RssKiB) / 1024.0;

    /// <summary>Waits until the server answers on <paramref name="path"/>; stops it and rethrows when it never does.</summary>
    public async Task<ServerProcess> ReadyAsync(string path, TimeSpan timeout)
    {
        try
        {
            await WaitUntilListeningAsync(path, timeout);
            return this;
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Polls <paramref name="path"/> until it answers at all (any status), failing early if the server exits.</summary>
    private async Task WaitUntilListeningAsync(string path, TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}.\n{Tail()}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri(BaseUrl, path));
                return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Name} did not answer at {new Uri(BaseUrl, path)} within {timeout.TotalSeconds:0} s.\n{Tail()}");
    }

    /// <summary>Polls <c>/healthz</c> until every check is healthy (not merely degraded), e.g. the edge's realtime feed is open.</summary>
    public async Task HealthyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer";
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(new Uri(BaseUrl, "healthz"));
                last = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode && last == "Healthy")
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Name} was not healthy within {timeout.TotalSeconds:0} s (last answer: {last}).\n{Tail()}");
    }

    /// <summary>The last lines of the server's log, for error messages.</summary>
    public string Tail(int lines = 30)
    {
        try
        {
            var all = File.ReadAllLines(LogPath);
            return $"--- last lines of {LogPath} ---\n" + string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
        }
        catch (IOException)
        {
            return $"(no log at {LogPath})";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _process.Dispose();
    }
}
