using System.Diagnostics;
using System.Runtime.InteropServices;
using ModelContextProtocol.Client;

namespace Facade.Mcp.Bridge.Tests;

/// <summary>
/// Launches the built bridge (<c>dotnet facade-mcp.dll …</c>) as a real child process, either behind the SDK's stdio
/// client or as a plain process. The environment is given per child, never set on the test process: FACADE_TOKEN and
/// FACADE_URL from the runner's own environment are always removed unless a test passes them.
/// </summary>
internal static class Bridge
{
    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "facade-mcp.dll");

    public static string DotnetHost { get; } = FindDotnetHost();

    /// <summary>Starts the bridge under the SDK's stdio client and completes the MCP handshake with it.</summary>
    public static async Task<McpClient> ConnectAsync(IEnumerable<string> arguments, StderrLog stderr, IDictionary<string, string?>? environment = null, CancellationToken cancellationToken = default)
    {
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "facade-mcp under test",
            Command = DotnetHost,
            Arguments = [Dll, .. arguments],
            EnvironmentVariables = Environment(environment),
            StandardErrorLines = stderr.Add,
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        });
        return await McpClient.CreateAsync(transport, new McpClientOptions
        {
            InitializationTimeout = TimeSpan.FromSeconds(90),

            // The SDK first probes for the 2026-07-28 protocol and gives that probe 5 s by default; a child process
            // starting on a loaded machine can take longer, and the fallback then trips over the late answer.
            DiscoverProbeTimeout = TimeSpan.FromSeconds(90),
        }, cancellationToken: cancellationToken);
    }

    /// <summary>Starts the bridge as a plain process (stdin, stdout and stderr redirected).</summary>
    public static BridgeProcess Start(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in Environment(environment))
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return new BridgeProcess(Process.Start(start) ?? throw new InvalidOperationException("The bridge did not start."));
    }

    private static Dictionary<string, string?> Environment(IDictionary<string, string?>? environment)
    {
        var all = new Dictionary<string, string?> { ["FACADE_TOKEN"] = null, ["FACADE_URL"] = null, ["DOTNET_NOLOGO"] = "1" };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            all[name] = value;
        }

        return all;
    }

    /// <summary>The dotnet host that runs these tests (the test process itself is an apphost, not dotnet).</summary>
    private static string FindDotnetHost()
    {
        var executable = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var candidate = Path.Combine(root, executable);
        return File.Exists(candidate) ? candidate : executable;
    }
}
