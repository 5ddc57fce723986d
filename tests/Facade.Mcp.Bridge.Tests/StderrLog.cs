namespace Facade.Mcp.Bridge.Tests;

/// <summary>The bridge's stderr, line by line, with a way to wait for a particular line.</summary>
internal sealed class StderrLog
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);

    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public string Text => string.Join('\n', Lines);

    public void Add(string line)
    {
        lock (_gate)
        {
            _lines.Add(line);
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                waiter.Found.TrySetResult(line);
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>The first line (already seen or still to come) that matches; fails after a minute.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, CancellationToken cancellationToken)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_lines.FirstOrDefault(match) is { } seen)
            {
                return seen;
            }

            _waiters.Add((match, found));
        }

        try
        {
            return await found.Task.WaitAsync(WaitLimit, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The bridge wrote no such line on stderr within {WaitLimit.TotalSeconds} s. Its stderr:\n{Text}");
        }
    }
}
