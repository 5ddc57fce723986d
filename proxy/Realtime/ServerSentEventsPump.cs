using System.Text;
using Microsoft.Extensions.Primitives;

namespace Facade.Proxy.Realtime;

/// <summary>
/// Moves one session over server-sent events: the channels come from the query, each server message is an SSE event
/// (<c>event: &lt;type&gt;</c>, <c>data: &lt;json&gt;</c>), heartbeats are <c>: heartbeat</c> comments, and when the server ends
/// the connection it sends <c>event: close</c> with the code and reason, then ends the response.
/// </summary>
internal sealed class ServerSentEventsPump(HttpContext http, RealtimeSession session, TimeProvider time)
{
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(10);
    private static readonly byte[] HeartbeatComment = ": heartbeat\n\n"u8.ToArray();

    private RealtimeConnection Connection => session.Connection;

    public async Task RunAsync(StringValues channels, CancellationToken aborted)
    {
        try
        {
            await http.Response.StartAsync(aborted);
            foreach (var channel in channels)
            {
                await session.SubscribeAsync(null, channel, aborted);
            }

            if (channels.Count == 0)
            {
                Connection.TryEnqueue(RealtimeMessages.Error(null, null, "invalid_request", "Name the channels in the query: ?channel=devices/{id}/telemetry&channel=alerts"));
            }

            var sending = SendAsync(aborted);
            var closed = await Task.WhenAny(sending, Connection.Closed);
            if (closed != sending && await Task.WhenAny(sending, Task.Delay(CloseGrace, time, CancellationToken.None)) != sending)
            {
                http.Abort();
                return;
            }

            await sending;
            if (Connection.Closed.IsCompleted && !aborted.IsCancellationRequested)
            {
                var reason = await Connection.Closed;
                if (reason != CloseReason.Normal)
                {
                    await WriteAsync(RealtimeMessages.Close(reason), aborted);
                    await http.Response.Body.FlushAsync(aborted);
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
        }
        finally
        {
            Connection.Close(CloseReason.Normal);
        }
    }

    private async Task SendAsync(CancellationToken aborted)
    {
        var outbox = Connection.Outbox;
        while (!Connection.IsClosing && await outbox.WaitToReadAsync(aborted))
        {
            while (!Connection.IsClosing && outbox.TryRead(out var message))
            {
                await WriteAsync(message, aborted);
            }

            await http.Response.Body.FlushAsync(aborted);
        }
    }

    private async Task WriteAsync(OutboundMessage message, CancellationToken aborted)
    {
        if (ReferenceEquals(message, RealtimeMessages.Heartbeat))
        {
            await http.Response.Body.WriteAsync(HeartbeatComment, aborted);
            return;
        }

        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes($"event: {message.Type}\ndata: "), aborted);
        await http.Response.Body.WriteAsync(message.Json, aborted);
        await http.Response.Body.WriteAsync("\n\n"u8.ToArray(), aborted);
    }
}
