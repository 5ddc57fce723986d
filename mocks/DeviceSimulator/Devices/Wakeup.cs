namespace Facade.Mocks.DeviceSimulator.Devices;

/// <summary>
/// A signal a loop can wait on together with a delay: take <see cref="Next"/> before looking at the state it guards,
/// then wait; <see cref="Set"/> completes every waiter and arms the next round.
/// </summary>
internal sealed class Wakeup
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next => Volatile.Read(ref _next).Task;

    public void Set() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>
    /// Waits for <paramref name="delay"/> (<see cref="Timeout.InfiniteTimeSpan"/>: no limit), <paramref name="wake"/> or
    /// <paramref name="cancellationToken"/>, whichever comes first; never throws.
    /// </summary>
    public static async Task WaitAsync(TimeSpan delay, Task wake, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(Task.Delay(delay, time, timer.Token), wake);
        await timer.CancelAsync();
    }
}
