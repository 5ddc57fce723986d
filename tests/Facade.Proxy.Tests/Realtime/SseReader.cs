using System.Text;
using System.Text.Json;

namespace Facade.Proxy.Tests.Realtime;

/// <summary>Reads a <c>text/event-stream</c> the way EventSource does: events (<c>event:</c>, <c>data:</c>, blank line) and comments.</summary>
public sealed class SseReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    /// <summary>Comment lines seen so far (<c>: heartbeat</c>).</summary>
    public List<string> Comments { get; } = [];

    /// <summary>The next event; null when the stream ended.</summary>
    public async Task<(string Event, JsonElement Data)?> NextAsync()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        string? name = null;
        var data = new StringBuilder();
        while (await _reader.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null || data.Length > 0)
                {
                    return (name ?? "message", JsonDocument.Parse(data.ToString()).RootElement.Clone());
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                Comments.Add(line);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line["data: ".Length..]);
            }
        }

        return null;
    }

    /// <summary>The next event named <paramref name="name"/>, skipping others.</summary>
    public async Task<JsonElement> NextAsync(string name)
    {
        while (true)
        {
            var next = await NextAsync() ?? throw new InvalidOperationException($"The stream ended before an '{name}' event.");
            if (next.Event == name)
            {
                return next.Data;
            }
        }
    }

    /// <summary>Reads lines until the next comment line; returns it.</summary>
    public async Task<string> NextCommentAsync()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (await _reader.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith(':'))
            {
                Comments.Add(line);
                return line;
            }
        }

        throw new InvalidOperationException("The stream ended before a comment.");
    }

    public void Dispose() => _reader.Dispose();
}
