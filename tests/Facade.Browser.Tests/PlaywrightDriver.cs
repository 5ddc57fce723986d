using System.Runtime.InteropServices;

namespace Facade.Browser.Tests;

/// <summary>
/// Microsoft.Playwright runs its node driver from <c>.playwright/node/&lt;platform&gt;/node</c> and
/// <c>.playwright/package/cli.js</c> beside Microsoft.Playwright.dll (<see cref="AppContext.BaseDirectory"/>); the
/// package's build targets copy both from the NuGet package on every build, so no environment variable
/// (<c>PLAYWRIGHT_DRIVER_SEARCH_PATH</c>, <c>PLAYWRIGHT_NODEJS_PATH</c>) and no <c>playwright install</c> is needed.
/// This checks that layout up front, so a broken build output fails with a sentence instead of a spawn error.
/// </summary>
internal static class PlaywrightDriver
{
    public static void EnsureReady()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PLAYWRIGHT_DRIVER_SEARCH_PATH")))
        {
            return; // Someone points Playwright elsewhere on purpose; let it report on that folder itself.
        }

        var root = Path.Combine(AppContext.BaseDirectory, ".playwright");
        var node = Path.Combine(root, "node", Platform(), OperatingSystem.IsWindows() ? "node.exe" : "node");
        var cli = Path.Combine(root, "package", "cli.js");
        if (!File.Exists(cli) || (Environment.GetEnvironmentVariable("PLAYWRIGHT_NODEJS_PATH") is null && !File.Exists(node)))
        {
            throw new InvalidOperationException(
                $"The Playwright driver is missing from {root} (expected {node} and {cli}). It comes from the " +
                "Microsoft.Playwright NuGet package's build targets: rebuild this project (dotnet build) rather than copying the output.");
        }

        // The targets chmod +x the node binary after the copy; a copy that lost the bit (zip, artifact upload) is fixed here.
        if (!OperatingSystem.IsWindows() && File.Exists(node))
        {
            var mode = File.GetUnixFileMode(node);
            if ((mode & UnixFileMode.UserExecute) == 0)
            {
                File.SetUnixFileMode(node, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
        }
    }

    private static string Platform() => (OperatingSystem.IsWindows(), OperatingSystem.IsMacOS(), RuntimeInformation.ProcessArchitecture) switch
    {
        (true, _, Architecture.Arm64) => "win32_arm64",
        (true, _, _) => "win32_x64",
        (_, true, Architecture.Arm64) => "darwin-arm64",
        (_, true, _) => "darwin-x64",
        (_, _, Architecture.Arm64) => "linux-arm64",
        _ => "linux-x64",
    };
}
