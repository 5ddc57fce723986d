using System.Collections.Concurrent;

namespace Facade.DeviceEdge.Commands;

/// <summary>
/// The requests waiting (<c>?wait=true</c>) for a command to finish: whoever commits its final state (the acknowledgement
/// handler, the sweeper) completes the command's task, so a waiting request needs no polling of the database.
/// </summary>
internal sealed class CommandWaiters
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new(StringComparer.Ordinal);

    /// <summary>A task completed when the command reaches a final state. Register before the command can be answered.</summary>
    public Task Register(string commandId) =>
        _waiting.GetOrAdd(commandId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Complete(string commandId)
    {
        if (_waiting.TryRemove(commandId, out var done))
        {
            done.TrySetResult();
        }
    }

    public void Forget(string commandId) => _waiting.TryRemove(commandId, out _);
}
