using System.Collections.Concurrent;
using System.Diagnostics;
using Facade.DeviceEdge.Mosquitto;
using Facade.Testing;

namespace Facade.DeviceEdge.Tests.Mosquitto;

/// <summary>Where Debian's <c>mosquitto</c> package puts its programs (<c>./run.sh test</c> installs it).</summary>
internal static class MosquittoBinaries
{
    public const string Broker = "/usr/sbin/mosquitto";
    public const string Passwd = "/usr/bin/mosquitto_passwd";
}

/// <summary>
/// A real mosquitto for one test class: its own temporary folder (configuration, the password and ACL files the device
/// edge writes, persistence, pid file) and a free loopback port, configured as README's External broker section says
/// (no anonymous clients, client id = user name). Its log is kept in <see cref="Log"/>; it is killed on dispose,
/// whatever state the tests left it in.
/// </summary>
internal sealed class MosquittoBroker : IAsyncDisposable
{
    private const int StartAttempts = 5;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly string? _extraConfiguration;
    private Process? _process;

    private MosquittoBroker(string directory, string? extraConfiguration)
    {
        Directory = directory;
        _extraConfiguration = extraConfiguration;
    }

    public string Directory { get; }

    public int Port { get; private set; }

    public string PidFile => Path.Combine(Directory, "mosquitto.pid");

    public string Log => string.Join('\n', _log);

    /// <summary>Starts mosquitto with empty account files (the device edge fills them and signals it).</summary>
    public static async Task<MosquittoBroker> StartAsync(string? extraConfiguration = null)
    {
        if (!File.Exists(MosquittoBinaries.Broker))
        {
            throw new InvalidOperationException($"{MosquittoBinaries.Broker} is missing: install Debian's mosquitto (apt-get install -y mosquitto; ./run.sh test does).");
        }

        var broker = new MosquittoBroker(System.IO.Directory.CreateTempSubdirectory("facade-mosquitto-").FullName, extraConfiguration);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(broker.Directory, MosquittoAccountFiles.PasswordFileName), "");
            await File.WriteAllTextAsync(Path.Combine(broker.Directory, MosquittoAccountFiles.AclFileName), "");
            for (var attempt = 1; ; attempt++)
            {
                broker.Port = LoopbackPort.Free();
                if (await broker.LaunchAsync() || attempt == StartAttempts)
                {
                    break; // Otherwise the port was taken in between: another one.
                }
            }

            if (broker._process is not { HasExited: false })
            {
                throw new InvalidOperationException("mosquitto did not start:\n" + broker.Log);
            }

            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops mosquitto as systemd does (SIGTERM: it saves its persistence file) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        PosixSignals.TrySend(process.Id, PosixSignals.Terminate, out _);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Stops it (as <see cref="StopAsync"/>) and starts it again (as <see cref="ResumeAsync"/>).</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await ResumeAsync();
    }

    /// <summary>Starts it again after <see cref="StopAsync"/>: the same port, files and persistence.</summary>
    public async Task ResumeAsync()
    {
        if (!await LaunchAsync())
        {
            throw new InvalidOperationException("mosquitto did not restart:\n" + Log);
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
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }

    /// <summary>True once mosquitto says it runs; false if it exited first (e.g. the port was taken).</summary>
    private async Task<bool> LaunchAsync()
    {
        var configuration = Path.Combine(Directory, "mosquitto.conf");
        await File.WriteAllTextAsync(configuration, $"""
            per_listener_settings false
            listener {Port} 127.0.0.1
            allow_anonymous false
            password_file {Path.Combine(Directory, MosquittoAccountFiles.PasswordFileName)}
            acl_file {Path.Combine(Directory, MosquittoAccountFiles.AclFileName)}
            use_username_as_clientid true
            persistence true
            persistence_location {Directory}/
            pid_file {PidFile}
            user {Environment.UserName}
            log_dest stderr
            log_type error
            log_type warning
            log_type notice
            log_type information
            log_timestamp false
            {_extraConfiguration}

            """);
        _process?.Dispose();
        var running = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process
        {
            StartInfo = new ProcessStartInfo(MosquittoBinaries.Broker, ["-c", configuration])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            },
            EnableRaisingEvents = true,
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                running.TrySetResult(false);
                return;
            }

            _log.Enqueue(e.Data);
            if (e.Data.Contains(" running", StringComparison.Ordinal))
            {
                running.TrySetResult(true);
            }
        };
        process.Exited += (_, _) => running.TrySetResult(false);
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;
        return await running.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

}
