using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Telemetry;

/// <summary>
/// Tells every <see cref="ITelemetryObserver"/> of committed telemetry, off the ingest path: each observer has its
/// own bounded queue and task, so it sees batches in commit order, and a slow or failing observer neither delays
/// ingest nor the other observers. When an observer's queue is full the batch is dropped for that observer, counted
/// (<see cref="TelemetryStats.ObserverDrops"/>) and logged; the telemetry itself is stored regardless.
/// </summary>
internal sealed partial class TelemetryObservers : IHostedService, IDisposable
{
    private readonly Lane[] _lanes;
    private readonly TelemetryStats _stats;
    private readonly ILogger<TelemetryObservers> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private long _lastDropLogged;

    public TelemetryObservers(IEnumerable<ITelemetryObserver> observers, IOptions<TelemetryOptions> options, TelemetryStats stats, ILogger<TelemetryObservers> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var capacity = options.Value.ObserverQueueCapacity;
        _lanes = observers.Select(o => new Lane(o, Channel.CreateBounded<IReadOnlyList<TelemetryReading>>(
            new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait }))).ToArray();
        _stats = stats;
        _logger = logger;
    }

    public bool Any => _lanes.Length > 0;

    /// <summary>Called by the writer after a commit; never waits.</summary>
    public void Publish(IReadOnlyList<TelemetryReading> readings)
    {
        foreach (var lane in _lanes)
        {
            if (!lane.Queue.Writer.TryWrite(readings))
            {
                _stats.AddObserverDrop();
                LogDropOncePerMinute(lane.Observer);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var lane in _lanes)
        {
            lane.Running = Task.Run(() => RunAsync(lane));
        }

        return Task.CompletedTask;
    }

    /// <summary>After the writer stopped: observers get what is queued until the host's shutdown time runs out.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var lane in _lanes)
        {
            lane.Queue.Writer.TryComplete();
        }

        using var abort = cancellationToken.Register(_stopping.Cancel);
        await Task.WhenAll(_lanes.Select(l => l.Running));
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RunAsync(Lane lane)
    {
        try
        {
            await foreach (var readings in lane.Queue.Reader.ReadAllAsync(_stopping.Token))
            {
                try
                {
                    await lane.Observer.OnStoredAsync(readings, _stopping.Token);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !_stopping.IsCancellationRequested)
                {
                    LogObserverFailed(_logger, exception, lane.Observer.GetType().Name, readings.Count);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private void LogDropOncePerMinute(ITelemetryObserver observer)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastDropLogged);
        if (now - last >= 60_000 && Interlocked.CompareExchange(ref _lastDropLogged, now, last) == last)
        {
            LogDropped(_logger, observer.GetType().Name, _stats.ObserverDrops);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Telemetry observer {Observer} failed for a batch of {Count} readings")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception, string observer, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telemetry observer {Observer} is too slow: its queue is full and committed batches are dropped for it ({Dropped} dropped so far)")]
    private static partial void LogDropped(ILogger logger, string observer, long dropped);

    private sealed class Lane(ITelemetryObserver observer, Channel<IReadOnlyList<TelemetryReading>> queue)
    {
        public ITelemetryObserver Observer { get; } = observer;
        public Channel<IReadOnlyList<TelemetryReading>> Queue { get; } = queue;
        public Task Running { get; set; } = Task.CompletedTask;
    }
}
