using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Commands;

/// <summary>
/// Every <see cref="CommandOptions.SweepInterval"/> (on the service's <see cref="TimeProvider"/>), marks open commands
/// past <c>expiresAt</c> timed out, starting at once, so commands that expired while the service was down are
/// finished at start. About hourly it also deletes finished commands past <see cref="CommandOptions.Retention"/>.
/// </summary>
internal sealed partial class CommandSweeper(CommandStore store, IOptions<CommandOptions> options, TimeProvider time, ILogger<CommandSweeper> logger)
    : BackgroundService
{
    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        DateTimeOffset? pruned = null;
        try
        {
            do
            {
                try
                {
                    var timedOut = await store.TimeOutExpiredAsync(stoppingToken);
                    if (timedOut > 0)
                    {
                        LogTimedOut(logger, timedOut);
                    }

                    if (pruned is null || time.GetUtcNow() - pruned >= PruneInterval)
                    {
                        pruned = time.GetUtcNow();
                        await store.PruneAsync(stoppingToken);
                    }
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    LogSweepFailed(logger, exception);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} commands timed out")]
    private static partial void LogTimedOut(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sweeping expired commands failed; retrying at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
