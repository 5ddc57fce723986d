using System.Net.Http.Headers;
using System.Text.Json;

namespace Facade.McpAdapter.Tests.Security;

/// <summary>
/// A raw 2024-11-05 HTTP+SSE session: the open <c>GET /sse</c> stream (events read one by one) and the
/// <c>/message?sessionId=…</c> endpoint it named, where JSON-RPC messages are posted with any token.
/// </summary>
internal sealed class SseStream : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseStream(HttpClient http, HttpResponseMessage response, StreamReader reader, string messagePath)
    {
        _http = http;
        _response = response;
        _reader = reader;
        MessagePath = messagePath;
    }

    /// <summary>The relative URL to post to, e.g. <c>/message?sessionId=abc</c>.</summary>
    public string MessagePath { get; }

    public static async Task<SseStream> OpenAsync(Uri baseUrl, string token)
    {
        var ct = TestContext.Current.CancellationToken;
        var http = new HttpClient { BaseAddress = baseUrl, Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, "sse");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.True(response.IsSuccessStatusCode, $"GET /sse answered {(int)response.StatusCode}");
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        var first = await ReadEventAsync(reader, ct);
        Assert.True(first is ("endpoint", _), $"The first event was not 'endpoint': {first}");
        return new SseStream(http, response, reader, first.Value.Data);
    }

    public async Task<HttpResponseMessage> PostAsync(string? token, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, MessagePath.TrimStart('/'))
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await _http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The next event, or null when the server ended the stream.</summary>
    public Task<(string Event, string Data)?> ReadEventAsync() => ReadEventAsync(_reader, TestContext.Current.CancellationToken);

    /// <summary>Reads events until the JSON-RPC response with <paramref name="id"/> arrives.</summary>
    public async Task<JsonElement> ReadResponseAsync(int id, TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            var next = await ReadEventAsync(_reader, deadline.Token) ?? throw new InvalidOperationException("The stream ended before the response.");
            var message = JsonDocument.Parse(next.Data).RootElement.Clone();
            if (message.TryGetProperty("id", out var got) && got.ValueKind == JsonValueKind.Number && got.GetInt32() == id)
            {
                return message;
            }
        }
    }

    /// <summary>True when the server ends the stream within <paramref name="timeout"/>; false when it is still open then.</summary>
    public async Task<bool> EndsWithinAsync(TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (await ReadEventAsync(_reader, deadline.Token) is not null)
            {
            }

            return true;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (IOException)
        {
            return true; // The connection was closed under the reader: ended too.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        _http.Dispose();
        await Task.CompletedTask;
    }

    private static async Task<(string Event, string Data)?> ReadEventAsync(StreamReader reader, CancellationToken ct)
    {
        string? name = null;
        var data = new List<string>();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Count > 0 || name is not null)
                {
                    return (name ?? "message", string.Join('\n', data));
                }

                continue;
            }

            if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line["event:".Length..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Add(line["data:".Length..].TrimStart());
            }
        }

        return null;
    }
}
