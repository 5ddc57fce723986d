using System.Text;
using System.Text.Json;
using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Status;

namespace Facade.DeviceSimulator.Tests;

/// <summary>
/// Sits in the device edge (on its ingest and status seams) and records what the simulated devices did, so a test
/// awaits "the next telemetry of this device" or "this device went online" instead of sleeping. Waiting starts at the
/// message after the last one a test has already seen of that kind (<see cref="NextAsync"/>), or at the first ever
/// (<see cref="FirstAsync"/>).
/// </summary>
internal sealed class DeviceRecorder : IDeviceMessageHandler, IDeviceStatusObserver
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly Lock _lock = new();
    private readonly List<object> _events = [];
    private readonly List<(Func<object, bool> Match, int After, TaskCompletionSource<object> Done)> _waiters = [];

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

    /// <summary>How many events were recorded so far: pass it to <see cref="NextAsync"/> to wait for what happens after now.</summary>
    public int Mark()
    {
        lock (_lock)
        {
            return _events.Count;
        }
    }

    public Task<DeviceMessage> FirstAsync(string deviceId, DeviceTopicKind kind, Func<DeviceMessage, bool>? match = null) =>
        NextAsync(0, deviceId, kind, match);

    public async Task<DeviceMessage> NextAsync(int mark, string deviceId, DeviceTopicKind kind, Func<DeviceMessage, bool>? match = null) =>
        (DeviceMessage)await WaitAsync(mark, e => e is DeviceMessage m && m.DeviceId == deviceId && m.Kind == kind && (match?.Invoke(m) ?? true));

    public async Task<DeviceStatusChange> StatusAsync(int mark, string deviceId, bool online) =>
        (DeviceStatusChange)await WaitAsync(mark, e => e is DeviceStatusChange c && c.DeviceId == deviceId && c.Online == online);

    public IReadOnlyList<DeviceMessage> Messages(string deviceId, DeviceTopicKind kind)
    {
        lock (_lock)
        {
            return _events.OfType<DeviceMessage>().Where(m => m.DeviceId == deviceId && m.Kind == kind).ToList();
        }
    }

    private Task<object> WaitAsync(int mark, Func<object, bool> match)
    {
        lock (_lock)
        {
            if (_events.Skip(mark).FirstOrDefault(match) is { } found)
            {
                return Task.FromResult(found);
            }

            var done = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, mark, done));
            return done.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
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

internal static class DeviceMessageJson
{
    public static JsonElement Json(this DeviceMessage message) => JsonDocument.Parse(message.Payload).RootElement.Clone();

    public static string Text(this DeviceMessage message) => Encoding.UTF8.GetString(message.Payload.Span);
}
