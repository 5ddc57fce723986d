using System.Diagnostics;
using System.Net.Sockets;
using Npgsql;

namespace Facade.Testing;

/// <summary>
/// A real PostgreSQL server from Debian's <c>postgresql</c> package (<c>./run.sh test</c> installs it): a fresh cluster
/// in a temporary folder on a free loopback port, trust authentication on loopback only, killed (its folder deleted)
/// when the test process ends. One per test assembly (<see cref="SharedAsync"/>); each test host takes its own database
/// (<see cref="CreateDatabaseAsync"/>). Root may not run PostgreSQL: as root it runs as the package's <c>postgres</c> user.
/// </summary>
public sealed class PostgreSqlServer : IAsyncDisposable
{
    private const string User = "facade";
    private static readonly SemaphoreSlim SharedGate = new(1, 1);
    private static PostgreSqlServer? _shared;
    private readonly ProcessOutput _output = new();
    private Process? _process;

    private PostgreSqlServer(string binaries, string directory)
    {
        Binaries = binaries;
        Directory = directory;
    }

    public string Binaries { get; }

    public string Directory { get; }

    public int Port { get; private set; }

    public string Log => _output.Text;

    /// <summary>The server every test of this assembly shares (started on first use).</summary>
    public static async Task<PostgreSqlServer> SharedAsync()
    {
        await SharedGate.WaitAsync();
        try
        {
            if (_shared is null)
            {
                _shared = await StartAsync();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => _shared.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            return _shared;
        }
        finally
        {
            SharedGate.Release();
        }
    }

    /// <summary>A new cluster of its own (for tests that stop and restart the server).</summary>
    public static async Task<PostgreSqlServer> StartAsync()
    {
        var binaries = FindBinaries();
        var server = new PostgreSqlServer(binaries, System.IO.Directory.CreateTempSubdirectory("facade-postgres-").FullName);
        try
        {
            if (Environment.UserName == "root")
            {
                await RunAsync("chown", ["-R", "postgres:postgres", server.Directory]);
            }

            await RunAsync(Path.Combine(binaries, "initdb"),
                ["-D", server.DataDirectory, "-U", User, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"], server.AsServiceUser);
            server.Port = LoopbackPort.Free();
            await server.StartAgainAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private string DataDirectory => Path.Combine(Directory, "data");

    /// <summary>The connection string of <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = User,
        Database = database,
        Timeout = 5,
    }.ToString();

    /// <summary>A new empty database; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var name = "facade_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionString(name);
    }

    /// <summary>
    /// Stops the server as a crash would (<c>pg_ctl stop -m immediate</c>: no checkpoint, every backend gone at once,
    /// recovery from the log at the next start); clients see their connections drop.
    /// </summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            try
            {
                await RunAsync(Path.Combine(Binaries, "pg_ctl"), ["-D", DataDirectory, "stop", "-m", "immediate", "-w"], AsServiceUser);
            }
            catch (InvalidOperationException)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }
    }

    /// <summary>Starts the server again on the same folder and port (crash recovery replays its log).</summary>
    public async Task StartAgainAsync()
    {
        var startInfo = AsServiceUser(Path.Combine(Binaries, "postgres"), [
            "-D", DataDirectory, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", Directory,
            "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300", "-c", "fsync=off"]);
        _process = _output.Start(startInfo);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString());
                await connection.OpenAsync();
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or SocketException or TimeoutException)
            {
                if (_process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"PostgreSQL did not accept connections on port {Port}:\n{Log}", exception);
                }

                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // The OS temp cleaner will take it.
        }
    }

    private ProcessStartInfo AsServiceUser(string program, IEnumerable<string> arguments)
    {
        var startInfo = Environment.UserName == "root" ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", program, .. arguments]) : new ProcessStartInfo(program, arguments);
        startInfo.UseShellExecute = false;
        return startInfo;
    }

    private static async Task RunAsync(string program, IEnumerable<string> arguments, Func<string, IEnumerable<string>, ProcessStartInfo>? wrap = null)
    {
        var startInfo = wrap is null ? new ProcessStartInfo(program, arguments) : wrap(program, arguments);
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException(program + " did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{await output}\n{await error}");
        }
    }

    /// <summary>The newest installed server's programs (Debian keeps them under <c>/usr/lib/postgresql/&lt;major&gt;/bin</c>).</summary>
    private static string FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        var newest = System.IO.Directory.Exists(root)
            ? System.IO.Directory.GetDirectories(root)
                .Where(d => File.Exists(Path.Combine(d, "bin", "postgres")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var major) ? major : 0)
                .FirstOrDefault()
            : null;
        return newest is null
            ? throw new InvalidOperationException($"PostgreSQL is missing under {root}: install Debian's postgresql (apt-get install -y postgresql; ./run.sh test does).")
            : Path.Combine(newest, "bin");
    }
}
