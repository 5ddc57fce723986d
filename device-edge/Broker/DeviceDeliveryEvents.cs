using MQTTnet.Server;

namespace Facade.DeviceEdge.Broker;

/// <summary>
/// Reports the embedded broker's subscriptions and the devices' acknowledgements of the edge's own messages to every
/// <see cref="IDeviceDeliveryObserver"/>. Only device sessions on their own receiving topics are reported.
/// </summary>
internal sealed partial class DeviceDeliveryEvents(IEnumerable<IDeviceDeliveryObserver> observers, ILogger<DeviceDeliveryEvents> logger)
{
    private readonly IDeviceDeliveryObserver[] _observers = observers.ToArray();

    public void Attach(MqttServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (_observers.Length == 0)
        {
            return;
        }

        server.ClientSubscribedTopicAsync += OnSubscribedAsync;
        server.ClientAcknowledgedPublishPacketAsync += OnAcknowledgedAsync;
    }

    private async Task OnSubscribedAsync(ClientSubscribedTopicEventArgs e)
    {
        if (DeviceSession.From(e.SessionItems) is not { } session || KindOf(session.DeviceId, e.TopicFilter.Topic) is not { } kind)
        {
            return;
        }

        foreach (var observer in _observers)
        {
            try
            {
                await observer.OnSubscribedAsync(session.DeviceId, kind, CancellationToken.None);
            }
            catch (Exception exception)
            {
                LogObserverFailed(logger, exception, observer.GetType().Name, session.DeviceId);
            }
        }
    }

    private async Task OnAcknowledgedAsync(ClientAcknowledgedPublishPacketEventArgs e)
    {
        if (DeviceSession.From(e.SessionItems) is not { } session
            || !DeviceTopics.TryParse(e.PublishPacket.Topic, out var topic)
            || topic.DeviceId != session.DeviceId)
        {
            return;
        }

        foreach (var observer in _observers)
        {
            try
            {
                await observer.OnReceivedAsync(session.DeviceId, topic, CancellationToken.None);
            }
            catch (Exception exception)
            {
                LogObserverFailed(logger, exception, observer.GetType().Name, session.DeviceId);
            }
        }
    }

    /// <summary>The receiving topic a filter the ACL let through stands for.</summary>
    private static DeviceTopicKind? KindOf(string deviceId, string? filter) =>
        filter == DeviceTopics.AllCommands(deviceId) ? DeviceTopicKind.Command
        : DeviceTopics.TryParse(filter, out var topic) && topic.DeviceId == deviceId && topic.Kind is DeviceTopicKind.Command or DeviceTopicKind.ShadowDesired
            ? topic.Kind
            : null;

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery observer {Observer} failed for device {DeviceId}")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception, string observer, string deviceId);
}
