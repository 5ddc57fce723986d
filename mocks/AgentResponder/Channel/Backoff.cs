using Facade.Mocks.AgentResponder.Hosting;

namespace Facade.Mocks.AgentResponder.Channel;

/// <summary>The wait before the next attempt: doubles after each failure up to the maximum, ±20 % jitter.</summary>
internal sealed class Backoff(ResponderOptions options)
{
    private TimeSpan _next = options.ReconnectDelay;

    public TimeSpan Current => _next;

    public void Reset() => _next = options.ReconnectDelay;

    public async Task WaitAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        var wait = _next * (0.8 + 0.4 * Random.Shared.NextDouble());
        _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, options.MaxReconnectDelay.Ticks));
        await Task.Delay(wait, time, cancellationToken);
    }
}
