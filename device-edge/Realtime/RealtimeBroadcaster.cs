using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Realtime;

/// <summary>
/// Hands every event line to every connected feed consumer without ever waiting: each consumer has a bounded queue
/// (<see cref="RealtimeFeedOptions.ConsumerBufferEvents"/>); one that is full is disconnected rather than slowing ingest
/// or the other consumers. Events are at-most-once: nothing is kept for a consumer that is not connected.
/// </summary>
internal sealed class RealtimeBroadcaster(IOptions<RealtimeFeedOptions> options)
{
    private readonly ConcurrentDictionary<FeedConsumer, byte> _consumers = new();
    private long _dropped;

    /// <summary>True when someone listens: observers skip encoding events nobody would receive.</summary>
    public bool HasConsumers => !_consumers.IsEmpty;

    public int Consumers => _consumers.Count;

    /// <summary>Consumers disconnected because their queue was full.</summary>
    public long DroppedConsumers => Interlocked.Read(ref _dropped);

    public FeedConsumer Join()
    {
        var consumer = new FeedConsumer(options.Value.ConsumerBufferEvents);
        _consumers.TryAdd(consumer, 0);
        return consumer;
    }

    public void Leave(FeedConsumer consumer) => _consumers.TryRemove(consumer, out _);

    public void Publish(byte[] line)
    {
        foreach (var consumer in _consumers.Keys)
        {
            if (!consumer.TryWrite(line) && _consumers.TryRemove(consumer, out _))
            {
                Interlocked.Increment(ref _dropped);
                consumer.Drop();
            }
        }
    }
}

/// <summary>One connected feed reader's queue.</summary>
internal sealed class FeedConsumer(int capacity)
{
    private readonly Channel<byte[]> _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    public ChannelReader<byte[]> Reader => _queue.Reader;

    /// <summary>Set when the consumer fell behind and was disconnected.</summary>
    public bool Dropped { get; private set; }

    public bool TryWrite(byte[] line) => _queue.Writer.TryWrite(line);

    public void Drop()
    {
        Dropped = true;
        _queue.Writer.TryComplete();
    }
}
