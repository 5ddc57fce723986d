using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Status;

namespace Facade.DeviceEdge.Tests;

/// <summary>
/// Listens on the device edge's own seams (registered after the built-in handlers, so it hears of a message once the
/// status board has processed it) and lets a test await a message or a status change instead of sleeping.
/// </summary>
internal sealed class DeviceEvents : IDeviceMessageHandler, IDeviceStatusObserver
{
    private readonly Lock _lock = new();
    private readonly List<object> _events = [];
    private readonly List<(Func<object, bool> Match, TaskCompletionSource<object> Done)> _waiters = [];

    public bool Accepts(DeviceTopicKind kind) => true;

    public ValueTask HandleAsync(DeviceMessage message, CancellationToken cancellationToken)
    {
        Add(message);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnStatusChangedAsync(DeviceStatusChange change, CancellationToken cancellationToken)
    {
        Add(change);
        return ValueTask.CompletedTask;
    }

    public async Task<DeviceMessage> MessageAsync(Func<DeviceMessage, bool> match) =>
        (DeviceMessage)await WaitAsync(e => e is DeviceMessage m && match(m));

    public async Task<DeviceStatusChange> StatusAsync(string deviceId, bool online) =>
        (DeviceStatusChange)await WaitAsync(e => e is DeviceStatusChange c && c.DeviceId == deviceId && c.Online == online);

    public IReadOnlyList<DeviceMessage> Messages(string deviceId)
    {
        lock (_lock)
        {
            return _events.OfType<DeviceMessage>().Where(m => m.DeviceId == deviceId).ToList();
        }
    }

    private Task<object> WaitAsync(Func<object, bool> match)
    {
        lock (_lock)
        {
            if (_events.FirstOrDefault(match) is { } found)
            {
                return Task.FromResult(found);
            }

            var done = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
            return done.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }
    }

    private void Add(object item)
    {
        lock (_lock)
        {
            _events.Add(item);
            foreach (var waiter in _waiters.Where(w => w.Match(item)).ToList())
            {
                waiter.Done.TrySetResult(item);
                _waiters.Remove(waiter);
            }
        }
    }
}
