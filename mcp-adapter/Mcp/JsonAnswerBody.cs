using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Facade.McpAdapter.Mcp;

/// <summary>
/// The response body of one streamable HTTP POST while the MCP SDK writes it (always as SSE: the SDK has no JSON
/// response mode), held back until it is clear what it is. An answer that turns out to be exactly one SSE
/// <c>message</c> event carrying the final JSON-RPC response goes out as <c>application/json</c> with its length. Anything
/// else goes out unchanged: an answer that is not an event stream (the SDK's own JSON errors, a 202) as soon as it is
/// written, and an event stream with more than that (a notification before the response, an event id) streamed from
/// the first such event on, so a client waiting for progress sees it when it is sent.
/// </summary>
internal sealed class JsonAnswerBody(HttpResponse response, IHttpResponseBodyFeature inner) : Stream, IHttpResponseBodyFeature
{
    private const string EventStream = "text/event-stream";

    private ArrayBufferWriter<byte>? _held = new(1024);

    /// <summary>The answer <see cref="MayStillBeOneAnswer"/> found complete, and how many bytes were held then.</summary>
    private ReadOnlyMemory<byte> _answer;
    private int _answerHeld = -1;
    private bool _bufferingDisabled;
    private PipeWriter? _writer;

    /// <summary>True once the SDK's bytes go out as they are written (no JSON answer for this request).</summary>
    public bool PassingThrough => _held is null;

    Stream IHttpResponseBodyFeature.Stream => this;

    PipeWriter IHttpResponseBodyFeature.Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public void DisableBuffering()
    {
        if (PassingThrough)
        {
            inner.DisableBuffering();
        }
        else
        {
            _bufferingDisabled = true;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken = default) =>
        PassingThrough ? inner.StartAsync(cancellationToken) : Task.CompletedTask;

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        await PassThroughAsync(cancellationToken);
        await inner.SendFileAsync(path, offset, count, cancellationToken);
    }

    public async Task CompleteAsync()
    {
        await FinishAsync(CancellationToken.None);
        await inner.CompleteAsync();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_held is null)
        {
            await inner.Stream.WriteAsync(buffer, cancellationToken);
            return;
        }

        _held.Write(buffer.Span);
        if (!IsEventStream() || !MayStillBeOneAnswer(_held))
        {
            await PassThroughAsync(cancellationToken);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        PassingThrough ? inner.Stream.FlushAsync(cancellationToken) : Task.CompletedTask;

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>After the SDK is done: what is still held goes out, as one JSON document when it is one answer.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        if (_writer is not null)
        {
            await _writer.FlushAsync(cancellationToken);
        }

        if (_held is not { WrittenCount: > 0 } held)
        {
            // Nothing written (a 202 for a notification): the response stays as the SDK left it.
            _held = null;
            return;
        }

        if (IsEventStream() && TryTakeAnswer(held, out var json))
        {
            _held = null;
            response.ContentType = "application/json";
            response.ContentLength = json.Length;

            // Set by the SDK for its event stream only: they would now tell proxies something untrue.
            response.Headers.ContentEncoding = default;
            response.Headers.Remove("X-Accel-Buffering");
            await inner.Stream.WriteAsync(json, cancellationToken);
            return;
        }

        await PassThroughAsync(cancellationToken);
    }

    private bool IsEventStream() =>
        response.ContentType is { } type && type.StartsWith(EventStream, StringComparison.OrdinalIgnoreCase);

    private async Task PassThroughAsync(CancellationToken cancellationToken)
    {
        if (_held is not { } held)
        {
            return;
        }

        _held = null;
        var streaming = IsEventStream();
        if (_bufferingDisabled)
        {
            inner.DisableBuffering();
        }

        if (held.WrittenCount > 0)
        {
            await inner.Stream.WriteAsync(held.WrittenMemory, cancellationToken);
        }

        if (streaming)
        {
            await inner.Stream.FlushAsync(cancellationToken);
        }
    }

    /// <summary>
    /// False as soon as the held bytes cannot become a single answer: more than one event, or one that is not the
    /// response. A complete answer is remembered, so that finishing does not read it a second time.
    /// </summary>
    private bool MayStillBeOneAnswer(ArrayBufferWriter<byte> held)
    {
        var end = held.WrittenSpan.IndexOf("\n\n"u8);
        if (end < 0)
        {
            return true;
        }

        if (end + 2 != held.WrittenCount || !TryReadSingleAnswer(held.WrittenMemory, out var json))
        {
            return false;
        }

        (_answer, _answerHeld) = (json, held.WrittenCount);
        return true;
    }

    private bool TryTakeAnswer(ArrayBufferWriter<byte> held, out ReadOnlyMemory<byte> json)
    {
        if (_answerHeld == held.WrittenCount)
        {
            json = _answer;
            return true;
        }

        return TryReadSingleAnswer(held.WrittenMemory, out json);
    }

    /// <summary>The JSON of the one SSE event in <paramref name="held"/> when that event is the final JSON-RPC response.</summary>
    internal static bool TryReadSingleAnswer(ReadOnlyMemory<byte> held, out ReadOnlyMemory<byte> json)
    {
        json = default;
        var span = held.Span;
        var end = span.IndexOf("\n\n"u8);
        if (end < 0 || end + 2 != span.Length || !TryReadEventData(held[..end], out json))
        {
            return false;
        }

        return IsFinalResponse(json.Span);
    }

    /// <summary>
    /// The data of an event of type <c>message</c> (or no type) whose only fields are <c>event</c> and <c>data</c>,
    /// the way the SDK frames a JSON-RPC message; anything else (ids, retry intervals, comments, CR line ends) is refused.
    /// </summary>
    private static bool TryReadEventData(ReadOnlyMemory<byte> eventBytes, out ReadOnlyMemory<byte> data)
    {
        data = default;
        var span = eventBytes.Span;
        if (span.IndexOf((byte)'\r') >= 0)
        {
            return false;
        }

        ArrayBufferWriter<byte>? joined = null;
        var lines = 0;
        var position = 0;
        while (position <= span.Length)
        {
            var length = span[position..].IndexOf((byte)'\n');
            var line = eventBytes.Slice(position, length < 0 ? span.Length - position : length);
            position += line.Length + 1;
            var colon = line.Span.IndexOf((byte)':');
            if (colon <= 0)
            {
                return false;
            }

            var field = line.Span[..colon];
            var value = line[(colon + 1)..];
            if (value.Span is [(byte)' ', ..])
            {
                value = value[1..];
            }

            if (field.SequenceEqual("event"u8))
            {
                if (!value.Span.SequenceEqual("message"u8))
                {
                    return false;
                }
            }
            else if (field.SequenceEqual("data"u8))
            {
                // Several data lines make one value joined by line feeds (the SDK writes compact JSON on one line).
                if (lines++ == 0)
                {
                    data = value;
                }
                else
                {
                    if (joined is null)
                    {
                        joined = new ArrayBufferWriter<byte>();
                        joined.Write(data.Span);
                    }

                    joined.Write("\n"u8);
                    joined.Write(value.Span);
                }
            }
            else
            {
                return false;
            }
        }

        if (joined is not null)
        {
            data = joined.WrittenMemory;
        }

        return lines > 0;
    }

    /// <summary>A JSON-RPC response or error: an object with an <c>id</c> and a <c>result</c> or <c>error</c>, and no <c>method</c>.</summary>
    private static bool IsFinalResponse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            bool id = false, outcome = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("method"u8))
                {
                    return false;
                }

                id |= reader.ValueTextEquals("id"u8);
                outcome |= reader.ValueTextEquals("result"u8) || reader.ValueTextEquals("error"u8);
                reader.Skip();
            }

            return id && outcome && reader.TokenType == JsonTokenType.EndObject && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
