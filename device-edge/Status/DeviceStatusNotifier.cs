
namespace Facade.DeviceEdge.Status;

/// <summary>Tells every <see cref="IDeviceStatusObserver"/> of a transition; one failing observer does not stop the others.</summary>
internal sealed partial class DeviceStatusNotifier(IEnumerable<IDeviceStatusObserver> observers, ILogger<DeviceStatusNotifier> logger)
{
    private readonly IDeviceStatusObserver[] _observers = observers.ToArray();

    public async ValueTask NotifyAsync(DeviceStatusChange? change, CancellationToken cancellationToken)
    {
        if (change is null)
        {
            return;
        }

        foreach (var observer in _observers)
        {
            try
            {
                await observer.OnStatusChangedAsync(change, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogObserverFailed(logger, exception, observer.GetType().Name, change.DeviceId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Status observer {Observer} failed for device {DeviceId}")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception, string observer, string deviceId);
}
