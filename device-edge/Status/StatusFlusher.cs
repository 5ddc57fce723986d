using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Status;

/// <summary>
/// Loads the status board at start (before the broker accepts devices), writes changed entries every
/// <see cref="DeviceEdgeOptions.StatusFlushInterval"/>, and once more at shutdown (after the broker has stopped and
/// every device is offline).
/// </summary>
internal sealed partial class StatusFlusher(
    DeviceStatusBoard board,
    IDbContextFactory<DeviceEdgeDbContext> contexts,
    IOptions<DeviceEdgeOptions> options,
    TimeProvider time,
    ILogger<StatusFlusher> logger) : IHostedService, IAsyncDisposable
{
    private const int BatchSize = 500;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lifecycle = new();
    private Task? _loop;
    private Task? _stopped;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            board.Load(await db.DeviceStatuses.AsNoTracking().ToListAsync(cancellationToken));
        }

        _loop = RunAsync(_stopping.Token);
    }

    /// <summary>Stops once (the host may stop its services twice, concurrently); the last flush runs after the loop ended.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_lifecycle)
        {
            return _stopped ??= StopOnceAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping.Dispose();
    }

    private async Task StopOnceAsync()
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        await FlushAsync(CancellationToken.None);
    }

    /// <summary>Writes every changed entry now. Rows of devices deleted meanwhile are dropped.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var rows = board.TakeDirty();
        foreach (var batch in rows.Chunk(BatchSize))
        {
            try
            {
                await WriteAsync(batch, cancellationToken);
            }
            catch (Exception exception) when (exception is DbUpdateException or InvalidOperationException or OperationCanceledException)
            {
                board.MarkDirty(batch.Select(r => r.DeviceId));
                LogFlushFailed(logger, batch.Length, exception.GetType().Name);
            }
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(options.Value.StatusFlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                await FlushAsync(stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task WriteAsync(DeviceStatusRecord[] batch, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var ids = batch.Select(r => r.DeviceId).ToList();
        var existing = await db.Devices.Where(d => ids.Contains(d.Id)).Select(d => d.Id).ToHashSetAsync(cancellationToken);
        var stored = await db.DeviceStatuses.Where(s => ids.Contains(s.DeviceId)).ToDictionaryAsync(s => s.DeviceId, cancellationToken);
        foreach (var row in batch.Where(r => existing.Contains(r.DeviceId)))
        {
            if (stored.TryGetValue(row.DeviceId, out var current))
            {
                db.Entry(current).CurrentValues.SetValues(row);
            }
            else
            {
                db.DeviceStatuses.Add(row);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the status of {Count} devices ({Error}); retrying at the next flush")]
    private static partial void LogFlushFailed(ILogger logger, int count, string error);
}
