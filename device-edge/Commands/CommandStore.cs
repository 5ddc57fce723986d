using Facade.DeviceEdge.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Commands;

/// <summary>
/// The state changes of a command after it was created. Each is one conditional UPDATE (only from an open state, and for
/// the device the command belongs to), so the device's answer, its PUBACK, the sweeper and a waiting request can race
/// without a lost or reversed transition: the first final state written wins, later ones change nothing.
/// </summary>
internal sealed class CommandStore(
    IDbContextFactory<DeviceEdgeDbContext> contexts,
    CommandWaiters waiters,
    CommandChangeNotifier changes,
    IOptions<CommandOptions> options,
    TimeProvider time)
{
    public const string TimedOutError = "The device did not answer before the command expired.";
    private const int SweepBatch = 500;

    /// <summary>The device received the command (PUBACK): pending becomes delivered.</summary>
    public async Task<bool> MarkDeliveredAsync(string deviceId, string commandId, CancellationToken cancellationToken)
    {
        var now = StoredTime.Now(time);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var delivered = await db.Commands
            .Where(c => c.Id == commandId && c.DeviceId == deviceId && c.Status == CommandStatus.Pending && c.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Status, CommandStatus.Delivered)
                .SetProperty(c => c.DeliveredAt, now), cancellationToken) == 1;
        if (delivered)
        {
            changes.Notify(deviceId, commandId, CommandStatus.Delivered);
        }

        return delivered;
    }

    /// <summary>The device answered before the command expired: acknowledged or failed (and delivered, if no PUBACK said so).</summary>
    public async Task<bool> CompleteAsync(string deviceId, string commandId, CommandStatus outcome, string? result, string? error,
        CancellationToken cancellationToken)
    {
        if (outcome is not (CommandStatus.Acknowledged or CommandStatus.Failed))
        {
            throw new ArgumentOutOfRangeException(nameof(outcome), "An answer acknowledges or fails a command.");
        }

        var now = StoredTime.Now(time);
        bool done;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            done = await db.Commands
                .Where(c => c.Id == commandId && c.DeviceId == deviceId
                    && (c.Status == CommandStatus.Pending || c.Status == CommandStatus.Delivered) && c.ExpiresAt > now)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(c => c.Status, outcome)
                    .SetProperty(c => c.CompletedAt, now)
                    .SetProperty(c => c.DeliveredAt, c => c.DeliveredAt ?? now)
                    .SetProperty(c => c.Result, result)
                    .SetProperty(c => c.Error, error), cancellationToken) == 1;
        }

        if (done)
        {
            waiters.Complete(commandId);
            changes.Notify(deviceId, commandId, outcome);
        }

        return done;
    }

    /// <summary>
    /// Why an answer changed nothing: the command is unknown, another device's, finished or expired. A command of this
    /// device that is finished wakes this worker's waiting request: with several workers, the one that stored the
    /// answer may be another (it heard the same acknowledgement first).
    /// </summary>
    public async Task<NotOpen> WhyNotOpenAsync(string deviceId, string commandId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var command = await db.Commands.AsNoTracking()
            .Where(c => c.Id == commandId)
            .Select(c => new { c.DeviceId, c.Status })
            .FirstOrDefaultAsync(cancellationToken);
        if (command is not null && command.DeviceId == deviceId && CommandStatuses.IsTerminal(command.Status))
        {
            waiters.Complete(commandId);
            return new NotOpen($"already {CommandStatuses.Name(command.Status)}", Finished: true);
        }

        return new NotOpen(command is null ? "unknown command" : command.DeviceId != deviceId ? "another device's command" : "expired", Finished: false);
    }

    internal readonly record struct NotOpen(string Reason, bool Finished);

    /// <summary>Marks every open command past <c>expiresAt</c> timed out (a batch per call); returns how many.</summary>
    public async Task<int> TimeOutExpiredAsync(CancellationToken cancellationToken)
    {
        var now = StoredTime.Now(time);
        List<(string Id, string DeviceId)> expired;
        int changed;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            expired = (await db.Commands.AsNoTracking()
                .Where(c => (c.Status == CommandStatus.Pending || c.Status == CommandStatus.Delivered) && c.ExpiresAt <= now)
                .OrderBy(c => c.ExpiresAt)
                .Select(c => new { c.Id, c.DeviceId })
                .Take(SweepBatch)
                .ToListAsync(cancellationToken)).Select(c => (c.Id, c.DeviceId)).ToList();
            if (expired.Count == 0)
            {
                return 0;
            }

            var ids = expired.Select(c => c.Id).ToList();
            changed = await db.Commands
                .Where(c => ids.Contains(c.Id) && (c.Status == CommandStatus.Pending || c.Status == CommandStatus.Delivered))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(c => c.Status, CommandStatus.TimedOut)
                    .SetProperty(c => c.CompletedAt, now)
                    .SetProperty(c => c.Error, TimedOutError), cancellationToken);
        }

        foreach (var (commandId, deviceId) in expired)
        {
            waiters.Complete(commandId);
            changes.Notify(deviceId, commandId, CommandStatus.TimedOut);
        }

        return changed;
    }

    /// <summary>A waiting request reached the command's deadline before the sweeper did.</summary>
    public async Task TimeOutAsync(string deviceId, string commandId, CancellationToken cancellationToken)
    {
        var now = StoredTime.Now(time);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var changed = await db.Commands
            .Where(c => c.Id == commandId && c.DeviceId == deviceId && (c.Status == CommandStatus.Pending || c.Status == CommandStatus.Delivered))
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Status, CommandStatus.TimedOut)
                .SetProperty(c => c.CompletedAt, now)
                .SetProperty(c => c.Error, TimedOutError), cancellationToken);
        if (changed == 1)
        {
            changes.Notify(deviceId, commandId, CommandStatus.TimedOut);
        }
    }

    /// <summary>The device's commands still to be delivered or answered, oldest first: what it is sent when it (re)connects.</summary>
    public async Task<List<DeviceCommand>> OpenAsync(string deviceId, CancellationToken cancellationToken)
    {
        var now = StoredTime.Now(time);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Commands.AsNoTracking()
            .Where(c => c.DeviceId == deviceId && (c.Status == CommandStatus.Pending || c.Status == CommandStatus.Delivered) && c.ExpiresAt > now)
            .OrderBy(c => c.Sequence)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Deletes finished commands older than <see cref="CommandOptions.Retention"/>.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var cutoff = StoredTime.Now(time) - options.Value.Retention;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Commands.Where(c => c.CompletedAt != null && c.CompletedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
    }
}
