using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// A logger provider that keeps every line a host logs (formatted message, exception text and scopes' state), to
/// prove a secret never reaches a log. Add it with <c>services.AddSingleton&lt;ILoggerProvider&gt;(logs)</c> and set
/// <c>Logging:LogLevel:Default</c> to <c>Trace</c>.
/// </summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLine> _lines = new();

    public IReadOnlyCollection<CapturedLine> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Forgets what was captured so far (e.g. the sign-in that produced the token under test).</summary>
    public void Clear() => _lines.Clear();

    /// <summary>Lines containing <paramref name="secret"/>, as "category: message" for an assertion message.</summary>
    public List<string> Containing(string secret) =>
        [.. _lines.Where(l => l.Text.Contains(secret, StringComparison.Ordinal)).Select(l => $"{l.Category}: {l.Text}")];

    public void Dispose()
    {
    }

    internal sealed record CapturedLine(string Category, LogLevel Level, string Text);

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            owner._lines.Enqueue(new CapturedLine(category, LogLevel.Trace, "scope: " + state));
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            owner._lines.Enqueue(new CapturedLine(category, logLevel, $"{formatter(state, exception)} {values} {exception}"));
        }
    }
}
