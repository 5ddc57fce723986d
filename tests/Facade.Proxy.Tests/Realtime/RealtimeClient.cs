using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Facade.Proxy.Tests.Realtime;

/// <summary>A WebSocket client of <c>/realtime</c> speaking the JSON protocol (REALTIME-CONTRACT), as any program would.</summary>
public sealed class RealtimeClient : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private RealtimeClient(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    public static async Task<RealtimeClient> ConnectAsync(Uri url, Action<ClientWebSocketOptions>? configure = null, HttpMessageInvoker? invoker = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        configure?.Invoke(socket.Options);
        try
        {
            await socket.ConnectAsync(url, invoker, TestContext.Current.CancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new RealtimeClient(socket);
    }

    public Task SendTextAsync(string text) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, TestContext.Current.CancellationToken);

    /// <summary>The next server message (heartbeats included); fails on a close.</summary>
    public async Task<JsonElement> ReceiveAsync()
    {
        var (close, json) = await ReceiveMessageAsync();
        Assert.True(close is null, $"The server closed the connection: {close} {Socket.CloseStatusDescription}");
        return json;
    }

    /// <summary>The next server message <paramref name="match"/> accepts, skipping the others.</summary>
    public async Task<JsonElement> ReceiveAsync(Func<JsonElement, bool> match)
    {
        while (true)
        {
            var json = await ReceiveAsync();
            if (match(json))
            {
                return json;
            }
        }
    }

    /// <summary>The next message of <paramref name="type"/> (heartbeats and other types skipped).</summary>
    public Task<JsonElement> ReceiveTypeAsync(string type) => ReceiveAsync(m => m.GetProperty("type").GetString() == type);

    /// <summary>Reads (and drops) messages until the server closes; returns the close status.</summary>
    public async Task<WebSocketCloseStatus> ReceiveCloseAsync(TimeSpan? within = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(within ?? Wait);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await Socket.ReceiveAsync(buffer, deadline.Token);
            if (result.MessageType is WebSocketMessageType.Close)
            {
                return result.CloseStatus!.Value;
            }
        }
    }

    /// <summary>Subscribes and returns the server's answer to it (<c>subscribed</c> or <c>error</c>, matched by id).</summary>
    public async Task<JsonElement> SubscribeAsync(string channel)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        await SendTextAsync(JsonSerializer.Serialize(new { type = "subscribe", id, channel }));
        return await ReceiveAsync(m => m.TryGetProperty("id", out var echoed) && echoed.GetString() == id);
    }

    public async Task SubscribeOkAsync(string channel)
    {
        var answer = await SubscribeAsync(channel);
        Assert.True(answer.GetProperty("type").GetString() == "subscribed", answer.ToString());
        Assert.Equal(channel, answer.GetProperty("channel").GetString());
    }

    private async Task<(WebSocketCloseStatus? Close, JsonElement Json)> ReceiveMessageAsync()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Wait);
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var result = await Socket.ReceiveAsync(buffer, deadline.Token);
            if (result.MessageType is WebSocketMessageType.Close)
            {
                return (result.CloseStatus, default);
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (null, JsonDocument.Parse(message.ToArray()).RootElement.Clone());
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Socket.State is WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
            }
        }

        Socket.Dispose();
    }
}
