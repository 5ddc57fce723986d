namespace Facade.DeviceEdge.Commands;

/// <summary>
/// A step in a command's life, told after it is committed: <c>created</c>, <c>delivered</c>, <c>acknowledged</c>,
/// <c>failed</c> or <c>expired</c> (the REST status <c>timed_out</c>).
/// </summary>
internal sealed record CommandChange(string DeviceId, string CommandId, CommandStatus Status, DateTimeOffset At)
{
    /// <summary>The lifecycle word: <c>created</c> for a new (pending) command, <c>expired</c> for timed out, else the status.</summary>
    public string Event => Status switch
    {
        CommandStatus.Pending => "created",
        CommandStatus.TimedOut => "expired",
        _ => CommandStatuses.Name(Status),
    };
}

/// <summary>
/// Told of every committed command change (realtime subscribers receive them). Called on the request, MQTT or sweeper
/// path that made the change: it must not block or throw; slow work belongs elsewhere.
/// </summary>
internal interface ICommandObserver
{
    void OnCommandChanged(CommandChange change);
}

/// <summary>Tells every <see cref="ICommandObserver"/>; one failing observer does not stop the others or the caller.</summary>
internal sealed partial class CommandChangeNotifier(IEnumerable<ICommandObserver> observers, TimeProvider time, ILogger<CommandChangeNotifier> logger)
{
    private readonly ICommandObserver[] _observers = observers.ToArray();

    public void Notify(string deviceId, string commandId, CommandStatus status)
    {
        if (_observers.Length == 0)
        {
            return;
        }

        var change = new CommandChange(deviceId, commandId, status, time.GetUtcNow());
        foreach (var observer in _observers)
        {
            try
            {
                observer.OnCommandChanged(change);
            }
            catch (Exception exception)
            {
                LogObserverFailed(logger, exception, observer.GetType().Name, deviceId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Command observer {Observer} failed for device {DeviceId}")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception, string observer, string deviceId);
}
