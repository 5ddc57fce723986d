using System.ComponentModel;
using System.Diagnostics;

namespace Facade.Mcp.Bridge.Auth;

/// <summary>
/// Opens the system browser. The helper's stdin and stdout are never inherited: they are the MCP protocol channel.
/// </summary>
internal static class BrowserLauncher
{
    public static bool TryOpen(Uri url)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                // ShellExecute hands the URL to the default browser without a console or inherited handles
                // (cmd /c start would also mangle the '&' in the query).
                using var shell = Process.Start(new ProcessStartInfo(url.AbsoluteUri) { UseShellExecute = true });
                return true;
            }

            var start = new ProcessStartInfo(OperatingSystem.IsMacOS() ? "open" : "xdg-open")
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add(url.AbsoluteUri);
            var process = Process.Start(start);
            if (process is null)
            {
                return false;
            }

            process.StandardInput.Close();
            process.OutputDataReceived += static (_, _) => { };
            process.ErrorDataReceived += static (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            process.EnableRaisingEvents = true;
            process.Exited += static (sender, _) => ((Process)sender!).Dispose();
            return true;
        }
        catch (Exception exception) when (exception is Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            return false;
        }
    }
}
