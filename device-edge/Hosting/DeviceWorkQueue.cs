using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Facade.DeviceEdge.Hosting;

/// <summary>
/// Work to do for a device off the MQTT event path (observers there must be quick), one device at a time on one
/// background loop. A device queued again while it waits is queued once; queued again while its work runs, it runs
/// again afterwards, so work always sees what happened before it was asked for.
/// </summary>
internal abstract partial class DeviceWorkQueue(ILogger logger) : BackgroundService
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, byte> _waiting = new(StringComparer.Ordinal);

    public void Enqueue(string deviceId)
    {
        if (_waiting.TryAdd(deviceId, 0))
        {
            _queue.Writer.TryWrite(deviceId);
        }
    }

    protected abstract Task ProcessAsync(string deviceId, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var deviceId in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                _waiting.TryRemove(deviceId, out _);
                try
                {
                    await ProcessAsync(deviceId, stoppingToken);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    LogWorkFailed(logger, exception, GetType().Name, deviceId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Queue} failed for device {DeviceId}")]
    private static partial void LogWorkFailed(ILogger logger, Exception exception, string queue, string deviceId);
}
