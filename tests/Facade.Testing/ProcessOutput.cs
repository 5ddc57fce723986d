using System.Collections.Concurrent;
using System.Diagnostics;

namespace Facade.Testing;

/// <summary>
/// The output of a server process a test starts (PostgreSQL, Redis, HAProxy): both streams read as they come, the
/// first lines kept for a failure message.
/// </summary>
public sealed class ProcessOutput
{
    private const int Capacity = 2000;
    private readonly ConcurrentQueue<string> _lines = new();

    public string Text => string.Join('\n', _lines);

    /// <summary>Starts the process with both its streams read into this output.</summary>
    public Process Start(ProcessStartInfo startInfo)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException(startInfo.FileName + " did not start");
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Keep(string? line)
    {
        if (line is not null && _lines.Count < Capacity)
        {
            _lines.Enqueue(line);
        }
    }
}
