using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Facade.Testing;

/// <summary>Every log line a host writes (after its level filters), kept in memory for assertions such as "no secret was logged".</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private const int Capacity = 20_000;
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyCollection<CapturedLog> Entries => _entries;

    public string Text => string.Join('\n', _entries.Select(e => e.ToString()));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (owner._entries.Count < Capacity)
            {
                owner._entries.Enqueue(new CapturedLog(logLevel, category, formatter(state, exception), exception?.ToString()));
            }
        }
    }
}

public sealed record CapturedLog(LogLevel Level, string Category, string Message, string? Exception)
{
    public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : " " + Exception)}";
}
