using System.Diagnostics;
using System.Text.Json;

namespace Facade.Mcp.Bridge.Tests.Conformance;

/// <summary>
/// The official MCP conformance suite (npm <c>@modelcontextprotocol/conformance</c>, installed with its own Node.js 22
/// in <c>tests/clients/conformance</c> by <c>npm ci</c>; ./run.sh test does it). For a client scenario it starts its
/// own MCP server and authorization server, runs <c>facade-mcp-client.mjs &lt;server-url&gt;</c> (an MCP host driving
/// the built bridge) and grades what the bridge did in <c>checks.json</c>.
/// </summary>
internal static class ConformanceSuite
{
    private static readonly TimeSpan ListLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(180);

    public static string Folder { get; } = Path.Combine(RepositoryRoot(), "tests", "clients", "conformance");

    private static string Node => Path.Combine(Folder, "node_modules", ".bin", OperatingSystem.IsWindows() ? "node.exe" : "node");

    private static string Cli => Path.Combine(Folder, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js");

    public static string? MissingReason =>
        File.Exists(Cli) && File.Exists(Node) ? null : $"The MCP conformance suite is not installed: run `npm ci` in {Folder} (./run.sh test does it).";

    /// <summary>The client scenarios the suite lists whose names start with <paramref name="prefix"/>.</summary>
    public static IReadOnlyList<string> ClientScenarios(string prefix)
    {
        if (MissingReason is not null)
        {
            return [];
        }

        var (exitCode, stdout, stderr) = RunAsync(["list", "--client"], null, ListLimit, CancellationToken.None).GetAwaiter().GetResult();
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"`conformance list --client` failed ({exitCode}): {stderr}");
        }

        return stdout.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("- " + prefix, StringComparison.Ordinal))
            .Select(line => line[2..].Split(' ')[0])
            .ToList();
    }

    /// <summary>Runs one client scenario against the bridge; returns the suite's exit code, its checks and its console.</summary>
    public static async Task<ScenarioRun> RunScenarioAsync(string scenario, string outputDirectory, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>
        {
            ["FACADE_MCP_DOTNET"] = Bridge.DotnetHost,
            ["FACADE_MCP_DLL"] = Bridge.Dll,
        };

        // The suite splits --command on spaces: paths relative to the suite's folder have none.
        var (exitCode, stdout, stderr) = await RunAsync(
            ["client", "--command", "node_modules/.bin/node facade-mcp-client.mjs", "--scenario", scenario, "--timeout", "90000", "-o", outputDirectory],
            environment, RunLimit, cancellationToken);
        var checksFile = Directory.EnumerateFiles(outputDirectory, "checks.json", SearchOption.AllDirectories).SingleOrDefault();
        var checks = checksFile is null
            ? []
            : JsonDocument.Parse(await File.ReadAllTextAsync(checksFile, cancellationToken)).RootElement.EnumerateArray().Select(c => c.Clone()).ToList();
        var clientStderr = checksFile is null ? "" : await ReadIfExistsAsync(Path.Combine(Path.GetDirectoryName(checksFile)!, "stderr.txt"), cancellationToken);
        return new ScenarioRun(exitCode, checks, stdout + stderr, clientStderr);
    }

    private static async Task<string> ReadIfExistsAsync(string path, CancellationToken cancellationToken) =>
        File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken) : "";

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        IEnumerable<string> arguments, IDictionary<string, string>? environment, TimeSpan limit, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Node)
        {
            WorkingDirectory = Folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Cli);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The suite's child (the wrapper, then the bridge) inherits this environment: no token or URL of the runner's own.
        start.Environment["PATH"] = Path.GetDirectoryName(Node) + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        foreach (var name in new[] { "FACADE_TOKEN", "FACADE_URL", "FACADE_MCP_CLIENT_ID", "FACADE_MCP_CLIENT_SECRET", "FACADE_MCP_HEADLESS", "FACADE_MCP_IDP_ID_TOKEN" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The conformance suite did not finish within {limit.TotalSeconds:0} s: {string.Join(' ', start.ArgumentList)}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Facade.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Facade.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>One scenario's outcome: the suite's exit code, its checks (checks.json), its console and the client's stderr.</summary>
internal sealed record ScenarioRun(int ExitCode, IReadOnlyList<JsonElement> Checks, string Console, string ClientStderr)
{
    /// <summary>The checks the suite counts against a client: FAILURE, and WARNING (its overall verdict fails on either).</summary>
    public IEnumerable<string> Problems => Checks
        .Where(check => check.GetProperty("status").GetString() is "FAILURE" or "WARNING")
        .Select(check => $"{check.GetProperty("status").GetString()} {check.GetProperty("name").GetString()}: {check.GetProperty("description").GetString()}"
            + (check.TryGetProperty("errorMessage", out var error) ? $" ({error.GetString()})" : ""));
}
