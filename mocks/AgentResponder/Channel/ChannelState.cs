namespace Facade.Mocks.AgentResponder.Channel;

/// <summary>Whether the runtime is connected to its channel now (broker session up, or the last long poll answered).</summary>
internal sealed class ChannelState
{
    private volatile bool _connected;

    public bool Connected => _connected;

    /// <summary>Completed the first time <see cref="Connected"/> becomes true (tests and the health check wait for it).</summary>
    public TaskCompletionSource FirstConnected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set(bool connected)
    {
        _connected = connected;
        if (connected)
        {
            FirstConnected.TrySetResult();
        }
    }
}
