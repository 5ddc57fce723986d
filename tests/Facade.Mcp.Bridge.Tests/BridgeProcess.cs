using System.Diagnostics;

namespace Facade.Mcp.Bridge.Tests;

/// <summary>The bridge as a plain child process: raw stdin and stdout, stderr lines, exit code. Killed on dispose.</summary>
internal sealed class BridgeProcess : IAsyncDisposable
{
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BridgeProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _stderrClosed.TrySetResult();
            }
            else
            {
                Stderr.Add(e.Data);
            }
        };
        _process.BeginErrorReadLine();
    }

    public StderrLog Stderr { get; } = new();

    public StreamWriter Stdin => _process.StandardInput;

    public StreamReader Stdout => _process.StandardOutput;

    /// <summary>
    /// Closes stdin (unless the bridge is to end by itself), reads what stdout still has, waits for the exit; returns
    /// the exit code and that stdout.
    /// </summary>
    public async Task<(int ExitCode, string Stdout)> WaitForExitAsync(CancellationToken cancellationToken, bool closeStdin = true)
    {
        if (closeStdin)
        {
            _process.StandardInput.Close();
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(ExitLimit);
        var rest = await _process.StandardOutput.ReadToEndAsync(limit.Token);
        await _process.WaitForExitAsync(limit.Token);
        await _stderrClosed.Task.WaitAsync(limit.Token);
        return (_process.ExitCode, rest);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
