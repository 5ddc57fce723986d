using System.Data.Common;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Telemetry;

/// <summary>
/// Deletes readings older than <see cref="TelemetryOptions.Retention"/> at start and every
/// <see cref="TelemetryOptions.RetentionInterval"/>: series by series, at most
/// <see cref="TelemetryOptions.RetentionBatchSize"/> rows per transaction, each run by the writer between two ingest
/// batches (so ingest never waits for SQLite's write lock). The cut-off is a whole minute, so a minute's summary goes
/// together with its readings; series left without readings go too.
/// </summary>
internal sealed partial class TelemetryRetention(TelemetryWriter writer, IOptions<TelemetryOptions> options, TimeProvider time, ILogger<TelemetryRetention> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionInterval, time);
        try
        {
            do
            {
                try
                {
                    await PruneAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is DbException or InvalidOperationException)
                {
                    LogPruneFailed(logger, exception);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass over every series; returns how many readings were deleted.</summary>
    public async Task<long> PruneAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var cutoff = time.GetUtcNow().ToUnixTimeMilliseconds() - (long)settings.Retention.TotalMilliseconds;
        cutoff -= cutoff % 60_000;
        var batch = settings.RetentionBatchSize;
        var series = await writer.RunAsync(SeriesWithExpiredReadings(cutoff), cancellationToken);
        long deleted = 0;
        foreach (var id in series)
        {
            int removed;
            do
            {
                removed = await writer.RunAsync(connection => DeleteExpired(connection, id, cutoff, batch), cancellationToken);
                deleted += removed;
            }
            while (removed >= batch);
        }

        var emptySeries = await writer.RunAsync(DeleteEmptySeries, cancellationToken);
        if (deleted > 0 || emptySeries > 0)
        {
            LogPruned(logger, deleted, emptySeries, DateTimeOffset.FromUnixTimeMilliseconds(cutoff));
        }

        return deleted;
    }

    private static Func<DbConnection, List<long>> SeriesWithExpiredReadings(long cutoff) => connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT s.id FROM telemetry_series s
            WHERE EXISTS (SELECT 1 FROM telemetry_minutes m WHERE m.series_id = s.id AND m.ts < @cutoff)
               OR EXISTS (SELECT 1 FROM telemetry_points p WHERE p.series_id = s.id AND p.ts < @cutoff)
            """;
        command.AddParameter("@cutoff", cutoff);
        var ids = new List<long>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    };

    /// <summary>At most <paramref name="batch"/> readings (and minute summaries) of one series before the cut-off, oldest first.</summary>
    private static int DeleteExpired(DbConnection connection, long series, long cutoff, int batch)
    {
        using var transaction = connection.BeginTransaction();
        var points = Delete(connection, transaction, "telemetry_points", series, cutoff, batch);
        var minutes = Delete(connection, transaction, "telemetry_minutes", series, cutoff, batch);
        transaction.Commit();
        return Math.Max(points, minutes);
    }

    private static int Delete(DbConnection connection, DbTransaction transaction, string table, long series, long cutoff, int batch)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            DELETE FROM {table} WHERE series_id = @s AND ts < coalesce(
                (SELECT ts FROM {table} WHERE series_id = @s AND ts < @cutoff ORDER BY ts LIMIT 1 OFFSET @batch), @cutoff)
            """;
        command.AddParameter("@s", series);
        command.AddParameter("@cutoff", cutoff);
        command.AddParameter("@batch", batch);
        return command.ExecuteNonQuery();
    }

    private static int DeleteEmptySeries(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            DELETE FROM telemetry_series
            WHERE NOT EXISTS (SELECT 1 FROM telemetry_points p WHERE p.series_id = telemetry_series.id)
              AND NOT EXISTS (SELECT 1 FROM telemetry_minutes m WHERE m.series_id = telemetry_series.id)
            """;
        return command.ExecuteNonQuery();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Telemetry retention deleted {Readings} readings before {Cutoff} and {Series} empty series")]
    private static partial void LogPruned(ILogger logger, long readings, int series, DateTimeOffset cutoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telemetry retention failed; it runs again at the next interval")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
