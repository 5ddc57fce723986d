using System.Data.Common;
using System.Text.Json;
using Facade.DeviceEdge.Data;
using Microsoft.EntityFrameworkCore;

namespace Facade.DeviceEdge.Telemetry;

/// <summary>
/// Reads telemetry with plain SQL on the request's database connection: latest readings through each series'
/// primary key (one index lookup per metric), raw history as a range of the primary key, buckets from the minute
/// summaries (1,440 rows for a day at any reporting rate).
/// </summary>
internal sealed class TelemetryQueries(TelemetryUnits units)
{
    public string? UnitOf(string key) => units.Of(key);

    /// <summary>Every metric's latest reading of each device (devices without readings are absent).</summary>
    public async Task<Dictionary<string, Dictionary<string, ReadingView>>> LatestAsync(DeviceEdgeDbContext db, IReadOnlyCollection<string> deviceIds,
        CancellationToken cancellationToken)
    {
        var latest = new Dictionary<string, Dictionary<string, ReadingView>>(StringComparer.Ordinal);
        if (deviceIds.Count == 0)
        {
            return latest;
        }

        // The device list as one parameter: a JSON array SQLite unpacks, an array PostgreSQL takes as it is.
        var postgreSql = db.Database.IsNpgsql();
        await using var command = await CommandAsync(db, $"""
            SELECT s.device_id, s.key, p.ts, p.value
            FROM telemetry_series s
            JOIN telemetry_points p ON p.series_id = s.id AND p.ts = (SELECT max(ts) FROM telemetry_points WHERE series_id = s.id)
            WHERE s.device_id {(postgreSql ? "= ANY(@ids)" : "IN (SELECT value FROM json_each(@ids))")}
            ORDER BY s.device_id, s.key
            """, cancellationToken);
        command.AddParameter("@ids", postgreSql ? deviceIds.ToArray() : JsonSerializer.Serialize(deviceIds, TelemetryJsonContext.Default.IReadOnlyCollectionString));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var deviceId = reader.GetString(0);
            var key = reader.GetString(1);
            if (!latest.TryGetValue(deviceId, out var readings))
            {
                latest[deviceId] = readings = new Dictionary<string, ReadingView>(StringComparer.Ordinal);
            }

            readings[key] = new ReadingView(reader.GetDouble(3), units.Of(key), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)));
        }

        return latest;
    }

    public async Task<long?> SeriesAsync(DeviceEdgeDbContext db, string deviceId, string key, CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync(db, "SELECT id FROM telemetry_series WHERE device_id = @d AND key = @k", cancellationToken);
        command.AddParameter("@d", deviceId);
        command.AddParameter("@k", key);
        return await command.ExecuteScalarAsync(cancellationToken) is long id ? id : null;
    }

    public async Task<ReadingView?> LatestAsync(DeviceEdgeDbContext db, long series, string key, CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync(db, "SELECT ts, value FROM telemetry_points WHERE series_id = @s ORDER BY ts DESC LIMIT 1", cancellationToken);
        command.AddParameter("@s", series);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ReadingView(reader.GetDouble(1), units.Of(key), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)))
            : null;
    }

    /// <summary>Readings in [from, to), oldest first, at most <paramref name="limit"/>; the next page's start when there are more.</summary>
    public async Task<(List<RawPointView> Points, DateTimeOffset? Next)> RawAsync(DeviceEdgeDbContext db, long series, long from, long to, int limit,
        CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync(db, """
            SELECT ts, value FROM telemetry_points WHERE series_id = @s AND ts >= @from AND ts < @to ORDER BY ts LIMIT @limit
            """, cancellationToken);
        command.AddParameter("@s", series);
        command.AddParameter("@from", from);
        command.AddParameter("@to", to);
        command.AddParameter("@limit", limit + 1);
        var points = new List<RawPointView>(Math.Min(limit, 1024));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0));
            if (points.Count == limit)
            {
                return (points, at);
            }

            points.Add(new RawPointView(at, reader.GetDouble(1)));
        }

        return (points, null);
    }

    /// <summary>
    /// Buckets of <paramref name="size"/> milliseconds (a whole number of minutes) in [from, to), both multiples of
    /// the size: min, average, max and count of the readings in each, from the minute summaries.
    /// </summary>
    public async Task<(List<BucketPointView> Points, DateTimeOffset? Next)> BucketsAsync(DeviceEdgeDbContext db, long series, long from, long to, long size,
        int limit, CancellationToken cancellationToken)
    {
        var sql = size == TelemetryResolution.Minute
            ? """SELECT ts, min_value, max_value, sum_value, "count" FROM telemetry_minutes WHERE series_id = @s AND ts >= @from AND ts < @to ORDER BY ts LIMIT @limit"""
            : """
              SELECT (ts / @size) * @size AS bucket, min(min_value), max(max_value), sum(sum_value), CAST(sum("count") AS BIGINT)
              FROM telemetry_minutes WHERE series_id = @s AND ts >= @from AND ts < @to
              GROUP BY bucket ORDER BY bucket LIMIT @limit
              """;
        await using var command = await CommandAsync(db, sql, cancellationToken);
        command.AddParameter("@s", series);
        command.AddParameter("@from", from);
        command.AddParameter("@to", to);
        command.AddParameter("@limit", limit + 1);
        if (size != TelemetryResolution.Minute)
        {
            command.AddParameter("@size", size);
        }

        var points = new List<BucketPointView>(Math.Min(limit, 1500));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var start = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0));
            if (points.Count == limit)
            {
                return (points, start);
            }

            var count = reader.GetInt64(4);
            points.Add(new BucketPointView(start, reader.GetDouble(1), reader.GetDouble(3) / count, reader.GetDouble(2), count));
        }

        return (points, null);
    }

    private static async Task<DbCommand> CommandAsync(DeviceEdgeDbContext db, string sql, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return command;
    }
}
