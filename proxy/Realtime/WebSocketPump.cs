using System.Net.WebSockets;

namespace Facade.Proxy.Realtime;

/// <summary>
/// Moves one session over a WebSocket: client text frames (at most 16 KB; bigger → 1009, binary → 1008) to the
/// session, the connection's outbox to the client. Once the connection must end, nothing more is sent but the close
/// frame with its code and reason; a client that does not take what is already in flight within the grace period is
/// cut off.
/// </summary>
internal sealed class WebSocketPump(WebSocket socket, RealtimeSession session, TimeProvider time)
{
    public const int MaxClientMessageBytes = 16 * 1024;

    /// <summary>How long a send already under way may take after the connection was asked to close.</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan CloseHandshake = TimeSpan.FromSeconds(5);

    private RealtimeConnection Connection => session.Connection;

    public async Task RunAsync(CancellationToken aborted)
    {
        var receiving = ReceiveAsync(aborted);
        var sending = SendAsync(aborted);
        var reason = await Connection.Closed;

        if (await Task.WhenAny(sending, Task.Delay(CloseGrace, time, CancellationToken.None)) != sending)
        {
            socket.Abort();
        }

        await sending;
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var handshake = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            handshake.CancelAfter(CloseHandshake);
            try
            {
                await socket.CloseOutputAsync((WebSocketCloseStatus)reason.Code, reason.Reason, handshake.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
                socket.Abort();
            }
        }

        if (await Task.WhenAny(receiving, Task.Delay(CloseHandshake, time, CancellationToken.None)) != receiving)
        {
            socket.Abort();
        }

        await receiving;
    }

    private async Task SendAsync(CancellationToken aborted)
    {
        try
        {
            var outbox = Connection.Outbox;
            while (!Connection.IsClosing && await outbox.WaitToReadAsync(aborted))
            {
                while (!Connection.IsClosing && outbox.TryRead(out var message))
                {
                    await socket.SendAsync(message.Json, WebSocketMessageType.Text, endOfMessage: true, aborted);
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            Connection.Close(CloseReason.Normal); // the client is gone
        }
    }

    private async Task ReceiveAsync(CancellationToken aborted)
    {
        var buffer = new byte[MaxClientMessageBytes];
        try
        {
            while (!Connection.IsClosing)
            {
                var length = 0;
                while (true)
                {
                    var result = await socket.ReceiveAsync(buffer.AsMemory(length), aborted);
                    if (result.MessageType is WebSocketMessageType.Close)
                    {
                        Connection.Close(CloseReason.Normal);
                        return;
                    }

                    if (result.MessageType is WebSocketMessageType.Binary)
                    {
                        Connection.Close(CloseReason.PolicyViolation);
                        return;
                    }

                    length += result.Count;
                    if (result.EndOfMessage)
                    {
                        break;
                    }

                    if (length == buffer.Length)
                    {
                        Connection.Close(CloseReason.MessageTooBig);
                        return;
                    }
                }

                await session.HandleAsync(buffer.AsMemory(0, length), aborted);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            Connection.Close(CloseReason.Normal);
        }
    }
}
