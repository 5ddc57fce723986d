using System.Collections.Concurrent;

namespace Facade.Bench.Soak;

/// <summary>What the load saw, per stream; the first errors are kept verbatim for the report.</summary>
internal sealed class SoakCounters
{
    private const int KeptErrors = 20;

    private readonly ConcurrentQueue<string> _errors = new();
    private long _rest;
    private long _mcp;
    private long _errorCount;

    public long Rest => Interlocked.Read(ref _rest);

    public long Mcp => Interlocked.Read(ref _mcp);

    public long Errors => Interlocked.Read(ref _errorCount);

    public IReadOnlyCollection<string> FirstErrors => _errors;

    public void RestOk() => Interlocked.Increment(ref _rest);

    public void McpOk() => Interlocked.Increment(ref _mcp);

    public void Error(string stream, string what)
    {
        if (Interlocked.Increment(ref _errorCount) <= KeptErrors)
        {
            _errors.Enqueue($"{DateTimeOffset.UtcNow:HH:mm:ss} {stream}: {what}");
        }
    }
}
