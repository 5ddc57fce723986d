namespace Facade.Bench.Load;

/// <summary>
/// What one load run measured: completed requests, wall time, responses that were not what the target expects (any
/// status ≥ 400 for a 2xx target, as wrk counts them), socket errors (connect, read, write, timeout), latency in ms.
/// </summary>
internal sealed record LoadResult(long Requests, double Seconds, long StatusErrors, long SocketErrors, double P50Ms, double P99Ms)
{
    public double Rps => Seconds > 0 ? Requests / Seconds : 0;
}
