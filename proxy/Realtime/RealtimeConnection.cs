using System.Collections.Concurrent;
using System.Threading.Channels;
using Facade.Proxy.Edge;

namespace Facade.Proxy.Realtime;

/// <summary>
/// One open WebSocket or SSE connection: who it is (the validated caller, replaced when a key connection renews its
/// token), its subscriptions, and its bounded outbox. Anything that cannot be queued at once closes the connection
/// with 4408 <c>slow_consumer</c>: the server never holds more than <see cref="RealtimeOptions.SendBufferMessages"/>
/// messages for one client. The credential is kept to renew a key connection's token and to check device access with
/// the caller's own token; it is never logged.
/// </summary>
internal sealed class RealtimeConnection
{
    private static long _lastId;
    private readonly Channel<OutboundMessage> _outbox;
    private readonly TaskCompletionSource<CloseReason> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<int> _reportBuffered;
    private EdgeCaller _caller;

    public RealtimeConnection(EdgeCaller caller, string subject, string credential, int bufferMessages, Action<int> reportBuffered)
    {
        _caller = caller;
        Subject = subject;
        Credential = credential;
        _reportBuffered = reportBuffered;
        _outbox = Channel.CreateBounded<OutboundMessage>(new BoundedChannelOptions(bufferMessages)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public long Id { get; } = Interlocked.Increment(ref _lastId);

    public string Subject { get; }

    public EdgeCaller Caller => Volatile.Read(ref _caller);

    /// <summary>The bearer credential as presented (JWT or user key).</summary>
    public string Credential { get; }

    /// <summary>The access token to call the device edge with: the JWT presented, or the one minted from the key.</summary>
    public string AccessToken => Caller.ForwardToken ?? Credential;

    public ConcurrentDictionary<string, RealtimeChannel> Subscriptions { get; } = new(StringComparer.Ordinal);

    public ChannelReader<OutboundMessage> Outbox => _outbox.Reader;

    /// <summary>Completes with the reason once the connection must end; nothing more is sent after it but the close.</summary>
    public Task<CloseReason> Closed => _closed.Task;

    public bool IsClosing => _closed.Task.IsCompleted;

    public void Replace(EdgeCaller caller) => Volatile.Write(ref _caller, caller);

    /// <summary>Queues a message without waiting; a full outbox closes the connection (4408).</summary>
    public bool TryEnqueue(OutboundMessage message)
    {
        if (IsClosing)
        {
            return false;
        }

        if (!_outbox.Writer.TryWrite(message))
        {
            Close(CloseReason.SlowConsumer);
            return false;
        }

        _reportBuffered(_outbox.Reader.Count);
        return true;
    }

    /// <summary>Asks the connection to end (the first reason wins); returns false when it was ending already.</summary>
    public bool Close(CloseReason reason)
    {
        if (!_closed.TrySetResult(reason))
        {
            return false;
        }

        _outbox.Writer.TryComplete();
        return true;
    }
}
