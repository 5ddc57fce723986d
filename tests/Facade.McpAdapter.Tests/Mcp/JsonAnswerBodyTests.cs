using System.Text;
using Facade.McpAdapter.Mcp;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Facade.McpAdapter.Tests.Mcp;

/// <summary>
/// What <see cref="JsonAnswerBody"/> turns into JSON and what it leaves alone: only one SSE <c>message</c> event holding
/// the final JSON-RPC response becomes <c>application/json</c>; a notification before it keeps the event stream, sent as
/// soon as it is written; anything it does not recognise goes out byte for byte.
/// </summary>
public sealed class JsonAnswerBodyTests
{
    private const string Response = """{"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"a\nb"}]}}""";
    private const string Progress = """{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"p","progress":1}}""";

    [Fact]
    public async Task OneResponseEvent_BecomesJsonWithItsLength()
    {
        var (context, sent, body) = Start();

        await WriteEventAsync(body, Response);
        Assert.Equal(0, sent.Length);
        await body.FinishAsync(TestContext.Current.CancellationToken);

        Assert.Equal(Response, Encoding.UTF8.GetString(sent.ToArray()));
        Assert.Equal("application/json", context.Response.ContentType);
        Assert.Equal(Encoding.UTF8.GetByteCount(Response), context.Response.ContentLength);
        Assert.False(context.Response.Headers.ContainsKey("X-Accel-Buffering"));
    }

    [Fact]
    public async Task NotificationFirst_StaysAnEventStream_SentAsItIsWritten()
    {
        var (context, sent, body) = Start();

        await WriteEventAsync(body, Progress);
        Assert.True(body.PassingThrough);
        Assert.Equal(Event(Progress), Encoding.UTF8.GetString(sent.ToArray()));

        await WriteEventAsync(body, Response);
        await body.FinishAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Event(Progress) + Event(Response), Encoding.UTF8.GetString(sent.ToArray()));
        Assert.Equal("text/event-stream", context.Response.ContentType);
        Assert.Null(context.Response.ContentLength);
    }

    [Theory]
    [InlineData("event: message\ndata: " + Response + "\nid: 42\n\n")]
    [InlineData("event: other\ndata: " + Response + "\n\n")]
    [InlineData(": comment\ndata: " + Response + "\n\n")]
    [InlineData("event: message\r\ndata: " + Response + "\r\n\r\n")]
    [InlineData("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":3}\n\n")]
    [InlineData("event: message\ndata: not json\n\n")]
    public async Task AnythingElse_GoesOutByteForByte(string stream)
    {
        var (context, sent, body) = Start();

        await body.WriteAsync(Encoding.UTF8.GetBytes(stream), TestContext.Current.CancellationToken);
        await body.FinishAsync(TestContext.Current.CancellationToken);

        Assert.Equal(stream, Encoding.UTF8.GetString(sent.ToArray()));
        Assert.Equal("text/event-stream", context.Response.ContentType);
    }

    [Fact]
    public async Task NotAnEventStream_PassesThroughAtOnce()
    {
        var (context, sent, body) = Start();
        context.Response.ContentType = "application/json; charset=utf-8";
        const string error = """{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Bad Request"}}""";

        await body.WriteAsync(Encoding.UTF8.GetBytes(error), TestContext.Current.CancellationToken);

        Assert.True(body.PassingThrough);
        await body.FinishAsync(TestContext.Current.CancellationToken);
        Assert.Equal(error, Encoding.UTF8.GetString(sent.ToArray()));
    }

    [Fact]
    public async Task SeveralDataLines_AreJoinedByLineFeeds()
    {
        var (_, sent, body) = Start();

        await body.WriteAsync("event: message\ndata: {\"jsonrpc\":\"2.0\",\ndata: \"id\":1,\"result\":{}}\n\n"u8.ToArray(), TestContext.Current.CancellationToken);
        await body.FinishAsync(TestContext.Current.CancellationToken);

        Assert.Equal("{\"jsonrpc\":\"2.0\",\n\"id\":1,\"result\":{}}", Encoding.UTF8.GetString(sent.ToArray()));
    }

    private static (DefaultHttpContext Context, MemoryStream Sent, JsonAnswerBody Body) Start()
    {
        var context = new DefaultHttpContext();
        var sent = new MemoryStream();
        var inner = new StreamResponseBodyFeature(sent);
        context.Features.Set<IHttpResponseBodyFeature>(inner);
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        return (context, sent, new JsonAnswerBody(context.Response, inner));
    }

    private static async Task WriteEventAsync(Stream body, string json)
    {
        await body.WriteAsync(Encoding.UTF8.GetBytes(Event(json)), TestContext.Current.CancellationToken);
        await body.FlushAsync(TestContext.Current.CancellationToken);
    }

    private static string Event(string json) => $"event: message\ndata: {json}\n\n";
}
