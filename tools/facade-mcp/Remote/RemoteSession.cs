using ModelContextProtocol.Client;

namespace Facade.Mcp.Bridge.Remote;

/// <summary>
/// The connection to the remote server, which may still be under way (signing in can wait minutes for a person at a
/// browser) while the local handshake has long been answered. Requests wait for it.
/// </summary>
internal sealed class RemoteSession(Task<McpClient> connecting)
{
    private readonly Lock _gate = new();
    private int _waiting;
    private bool _anyWaited;
    private TaskCompletionSource? _noneWaiting;

    public Task<McpClient> Connecting { get; } = connecting;

    /// <summary>Whether some request had to wait for the connection (the local client may have given up on it).</summary>
    public bool RequestsWaited
    {
        get
        {
            lock (_gate)
            {
                return _anyWaited;
            }
        }
    }

    public async Task<McpClient> GetAsync(CancellationToken cancellationToken)
    {
        if (Connecting.IsCompletedSuccessfully)
        {
            return Connecting.Result;
        }

        lock (_gate)
        {
            _waiting++;
            _anyWaited = true;
        }

        try
        {
            return await Connecting.WaitAsync(cancellationToken);
        }
        finally
        {
            lock (_gate)
            {
                if (--_waiting == 0)
                {
                    _noneWaiting?.TrySetResult();
                }
            }
        }
    }

    /// <summary>Completes when no request waits for the connection any more (after it failed: their errors are on the way).</summary>
    public Task NoneWaitingAsync()
    {
        lock (_gate)
        {
            if (_waiting == 0)
            {
                return Task.CompletedTask;
            }

            _noneWaiting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _noneWaiting.Task;
        }
    }
}
