using Microsoft.Extensions.Logging;

namespace Facade.Mcp.Bridge.Cli;

/// <summary>
/// The MCP SDK's diagnostics, on stderr, from <see cref="Minimum"/> up (debug with <c>--verbose</c>). Trace is never
/// enabled: at that level the SDK logs whole messages.
/// </summary>
internal sealed class StderrLoggerFactory(LogLevel minimum) : ILoggerFactory
{
    /// <summary>Can change while running (quiet while connecting, when the bridge reports failures itself).</summary>
    public LogLevel Minimum { get; set; } = minimum;

    public ILogger CreateLogger(string categoryName) => new StderrLogger(categoryName, this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class StderrLogger(string category, StderrLoggerFactory factory) : ILogger
    {
        private readonly string _category = category[(category.LastIndexOf('.') + 1)..];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= factory.Minimum && logLevel >= LogLevel.Debug && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var text = $"[{logLevel}] {_category}: {formatter(state, exception)}";
            Stderr.Info(exception is null ? text : $"{text} ({exception.GetType().Name}: {exception.Message})");
        }
    }
}
