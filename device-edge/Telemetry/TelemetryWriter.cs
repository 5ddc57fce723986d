using System.Data;
using System.Data.Common;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Facade.DeviceEdge.Telemetry;

/// <summary>
/// The one writer of telemetry: a dedicated thread that takes every message waiting (up to
/// <see cref="TelemetryOptions.MaxBatchMessages"/>) and commits them in one transaction with prepared statements
/// (group commit), on SQLite or PostgreSQL. <see cref="StoreAsync"/> returns only once the message's transaction is committed, so
/// the broker's PUBACK, sent after the handler returns, means stored. Readings that are already stored (same series
/// and ts: a redelivery) are ignored and not counted again; the per-minute summaries grow in the same transaction.
/// Other work on the telemetry tables (retention) runs between batches through <see cref="RunAsync{T}"/>, so nothing
/// else competes with ingest for SQLite's write lock. On PostgreSQL several workers write at once: a series or reading
/// another worker stored first is taken as it is (no error aborts the batch), and a lost connection is opened again
/// for the next batch (the failed batch is not acknowledged, so the devices send it again).
/// </summary>
internal sealed partial class TelemetryWriter : IHostedService, IAsyncDisposable
{
    private const int ForeignKeyViolation = 787;
    private const long MinuteMilliseconds = 60_000;

    private readonly IDbContextFactory<DeviceEdgeDbContext> _contexts;
    private readonly TelemetryOptions _options;
    private readonly TelemetryObservers _observers;
    private readonly TelemetryStats _stats;
    private readonly TelemetryRefusalLog _refusals;
    private readonly ILogger<TelemetryWriter> _logger;
    private readonly Channel<WorkItem> _queue;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Touched by the writer thread only.
    private readonly Dictionary<(string DeviceId, string Key), long> _series = [];
    private readonly List<(string DeviceId, string Key)> _seriesAddedInBatch = [];
    private readonly Dictionary<(long Series, long Start), MinuteSummary> _minutes = [];
    private readonly List<Pending> _batch = [];
    private DbConnection? _connection;
    private Statements? _sql;
    private string _connectionString = "";
    private bool _postgreSql;
    private bool _started;

    public TelemetryWriter(IDbContextFactory<DeviceEdgeDbContext> contexts, IOptions<TelemetryOptions> options, TelemetryObservers observers,
        TelemetryStats stats, TelemetryRefusalLog refusals, ILogger<TelemetryWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _contexts = contexts;
        _options = options.Value;
        _observers = observers;
        _stats = stats;
        _refusals = refusals;
        _logger = logger;
        _queue = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>
    /// Queues a valid message (waiting while the queue is full) and, when <paramref name="awaitCommit"/>, waits until
    /// it is committed. Throws <see cref="DeviceMessageRefusedException"/> when the store refuses it (the device has
    /// too many keys, or was deleted meanwhile), and the storage error when the transaction failed.
    /// </summary>
    public async ValueTask StoreAsync(string deviceId, TelemetryPayload payload, bool awaitCommit, CancellationToken cancellationToken)
    {
        var pending = new Pending(deviceId, payload, awaitCommit ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null);
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        if (pending.Committed is { } committed)
        {
            await committed.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Runs <paramref name="work"/> on the writer's connection between two batches (it manages its own transaction).</summary>
    public async Task<T> RunAsync<T>(Func<DbConnection, T> work, CancellationToken cancellationToken)
    {
        var job = new Job<T>(work);
        await _queue.Writer.WriteAsync(job, cancellationToken);
        return await job.Done.Task.WaitAsync(cancellationToken);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var db = await _contexts.CreateDbContextAsync(cancellationToken))
        {
            _connectionString = db.Database.GetConnectionString()
                ?? throw new InvalidOperationException("The device edge's database has no connection string.");
            _postgreSql = db.Database.IsNpgsql();
        }

        Connection();
        _started = true;
        new Thread(Run) { IsBackground = true, Name = "telemetry-writer" }.Start();
    }

    /// <summary>Stops taking messages, commits what is queued, and closes the connection.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_started)
        {
            await _finished.Task.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    /// <summary>The writer's connection, opened (again, after PostgreSQL dropped it) when needed, with its statements.</summary>
    private DbConnection Connection()
    {
        if (_connection is { State: ConnectionState.Open })
        {
            return _connection;
        }

        _sql?.Dispose();
        _connection?.Dispose();
        (_connection, _sql) = (null, null);
        DbConnection connection = _postgreSql ? OpenPostgreSql(_connectionString, _options.Durability) : OpenSqlite(_connectionString, _options.Durability);
        _sql = new Statements(connection, _postgreSql);
        return _connection = connection;
    }

    private static NpgsqlConnection OpenPostgreSql(string connectionString, TelemetryDurability durability)
    {
        var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        if (durability == TelemetryDurability.Normal)
        {
            // As SQLite's synchronous=NORMAL: a commit does not wait for the disk; a crash loses the last moments, never consistency.
            using var setting = connection.CreateCommand();
            setting.CommandText = "SET synchronous_commit = off";
            setting.ExecuteNonQuery();
        }

        return connection;
    }

    private static SqliteConnection OpenSqlite(string connectionString, TelemetryDurability durability)
    {
        // A private cache and its own connection: the other connections of the service share a cache, whose table locks
        // would make readers and this writer wait for each other; with WAL, readers never block the writer.
        var settings = new SqliteConnectionStringBuilder(connectionString)
        {
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            ForeignKeys = true,
        };
        var connection = new SqliteConnection(settings.ToString());
        connection.Open();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = $"""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = {(durability == TelemetryDurability.Full ? "FULL" : "NORMAL")};
            PRAGMA cache_size = -65536;
            PRAGMA temp_store = MEMORY;
            """;
        pragmas.ExecuteNonQuery();
        return connection;
    }

    private void Run()
    {
        try
        {
            var reader = _queue.Reader;
            while (true)
            {
                if (!reader.TryRead(out var item))
                {
                    var more = reader.WaitToReadAsync();
                    if (!(more.IsCompletedSuccessfully ? more.Result : more.AsTask().GetAwaiter().GetResult()))
                    {
                        break;
                    }

                    continue;
                }

                if (item is not Pending first)
                {
                    RunJob((IJob)item);
                    continue;
                }

                _batch.Add(first);
                while (_batch.Count < _options.MaxBatchMessages && reader.TryPeek(out var next) && next is Pending && reader.TryRead(out next))
                {
                    _batch.Add((Pending)next);
                }

                WriteBatch();
                _batch.Clear();
            }
        }
        catch (Exception exception)
        {
            LogWriterStopped(_logger, exception);
        }
        finally
        {
            _sql?.Dispose();
            _connection?.Dispose();
            _finished.TrySetResult();
        }
    }

    private void RunJob(IJob job)
    {
        try
        {
            job.Run(Connection());
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException)
        {
            job.Fail(exception);
        }
    }

    private void WriteBatch()
    {
        var readings = _observers.Any ? new List<TelemetryReading>(_batch.Count) : null;
        var stored = 0;
        var duplicates = 0;
        _minutes.Clear();
        _seriesAddedInBatch.Clear();
        try
        {
            using (var transaction = Connection().BeginTransaction())
            {
                var sql = _sql!;
                sql.Use(transaction);
                foreach (var pending in _batch)
                {
                    pending.Refusal = Write(pending, readings, ref duplicates);
                    stored += pending.Refusal == TelemetryRefusal.None && pending.New > 0 ? 1 : 0;
                }

                // In key order: two workers upserting the same minutes take their row locks in one order (no deadlock).
                foreach (var ((series, start), summary) in _minutes.OrderBy(m => m.Key))
                {
                    sql.UpsertMinute(series, start, summary);
                }

                transaction.Commit();
            }
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException)
        {
            // Rolled back: nothing of the batch is stored, and series created in it do not exist.
            foreach (var key in _seriesAddedInBatch)
            {
                _series.Remove(key);
            }

            LogBatchFailed(_logger, exception, _batch.Count);
            foreach (var pending in _batch)
            {
                pending.Committed?.TrySetException(new InvalidOperationException("The telemetry could not be stored.", exception));
            }

            return;
        }

        _stats.AddCommitted(stored, duplicates);
        foreach (var pending in _batch)
        {
            if (pending.Refusal == TelemetryRefusal.None)
            {
                pending.Committed?.TrySetResult();
            }
            else
            {
                _refusals.Record(pending.DeviceId, pending.Refusal);
                pending.Committed?.TrySetException(new DeviceMessageRefusedException(TelemetryRefusals.Describe(pending.Refusal)));
            }
        }

        if (readings is { Count: > 0 })
        {
            _observers.Publish(readings);
        }
    }

    /// <summary>Writes one message: every series resolved first (so a refusal writes nothing), then its readings.</summary>
    private TelemetryRefusal Write(Pending pending, List<TelemetryReading>? readings, ref int duplicates)
    {
        var metrics = pending.Payload.Metrics;
        Span<long> seriesIds = metrics.Length <= 64 ? stackalloc long[metrics.Length] : new long[metrics.Length];
        for (var i = 0; i < metrics.Length; i++)
        {
            var refusal = ResolveSeries(pending.DeviceId, metrics[i].Key, out seriesIds[i]);
            if (refusal != TelemetryRefusal.None)
            {
                return refusal;
            }
        }

        var timestamp = pending.Payload.Timestamp;
        var start = timestamp - (timestamp % MinuteMilliseconds + MinuteMilliseconds) % MinuteMilliseconds;
        Dictionary<string, double>? stored = null;
        for (var i = 0; i < metrics.Length; i++)
        {
            if (!TryInsertPoint(pending.DeviceId, metrics[i], timestamp, ref seriesIds[i], out var inserted, out var refusal))
            {
                return refusal;
            }

            if (!inserted)
            {
                duplicates++;
                continue;
            }

            pending.New++;
            ref var summary = ref CollectionsMarshal.GetValueRefOrAddDefault(_minutes, (seriesIds[i], start), out var exists);
            summary = exists ? summary.Add(metrics[i].Value) : MinuteSummary.Of(metrics[i].Value);
            if (readings is not null)
            {
                (stored ??= new Dictionary<string, double>(metrics.Length, StringComparer.Ordinal))[metrics[i].Key] = metrics[i].Value;
            }
        }

        if (stored is not null)
        {
            readings!.Add(new TelemetryReading(pending.DeviceId, DateTimeOffset.FromUnixTimeMilliseconds(timestamp), stored));
        }

        return TelemetryRefusal.None;
    }

    private bool TryInsertPoint(string deviceId, TelemetryMetric metric, long timestamp, ref long seriesId, out bool inserted, out TelemetryRefusal refusal)
    {
        refusal = TelemetryRefusal.None;
        var result = _sql!.InsertPoint(seriesId, timestamp, metric.Value);
        if (result == PointInsert.SeriesGone)
        {
            // The series is gone (its device was deleted, or retention removed it when it was empty): look again.
            ForgetSeries(deviceId);
            refusal = ResolveSeries(deviceId, metric.Key, out seriesId);
            if (refusal != TelemetryRefusal.None)
            {
                inserted = false;
                return false;
            }

            result = _sql!.InsertPoint(seriesId, timestamp, metric.Value);
            if (result == PointInsert.SeriesGone)
            {
                refusal = TelemetryRefusal.UnknownDevice; // deleted again in between
                inserted = false;
                return false;
            }
        }

        inserted = result == PointInsert.Inserted;
        return true;
    }

    private TelemetryRefusal ResolveSeries(string deviceId, string key, out long seriesId)
    {
        if (_series.TryGetValue((deviceId, key), out seriesId))
        {
            return TelemetryRefusal.None;
        }

        var sql = _sql!;
        if (sql.FindSeries(deviceId, key) is { } found)
        {
            seriesId = found;
        }
        else
        {
            if (sql.CountSeries(deviceId) >= _options.MaxKeysPerDevice)
            {
                return TelemetryRefusal.TooManyKeys;
            }

            // Null: the device is gone (or, on PostgreSQL, was never there); another worker may just have made the series.
            if ((sql.InsertSeries(deviceId, key) ?? sql.FindSeries(deviceId, key)) is not { } created)
            {
                return TelemetryRefusal.UnknownDevice;
            }

            seriesId = created;

            _seriesAddedInBatch.Add((deviceId, key));
        }

        _series[(deviceId, key)] = seriesId;
        return TelemetryRefusal.None;
    }

    private void ForgetSeries(string deviceId)
    {
        foreach (var key in _series.Keys.Where(k => k.DeviceId == deviceId).ToList())
        {
            _series.Remove(key);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A telemetry batch of {Count} messages could not be stored; none of them was acknowledged")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The telemetry writer stopped; telemetry is no longer stored")]
    private static partial void LogWriterStopped(ILogger logger, Exception exception);

    private abstract class WorkItem;

    private sealed class Pending(string deviceId, TelemetryPayload payload, TaskCompletionSource? committed) : WorkItem
    {
        public string DeviceId { get; } = deviceId;
        public TelemetryPayload Payload { get; } = payload;
        public TaskCompletionSource? Committed { get; } = committed;
        public TelemetryRefusal Refusal { get; set; }

        /// <summary>Metrics of the message stored by this batch (not already there).</summary>
        public int New { get; set; }
    }

    private interface IJob
    {
        void Run(DbConnection connection);

        void Fail(Exception exception);
    }

    private sealed class Job<T>(Func<DbConnection, T> work) : WorkItem, IJob
    {
        public TaskCompletionSource<T> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Fail(Exception exception) => Done.TrySetException(exception);

        public void Run(DbConnection connection)
        {
            try
            {
                Done.TrySetResult(work(connection));
            }
            catch (Exception exception)
            {
                Done.TrySetException(exception);
            }
        }
    }

    private readonly record struct MinuteSummary(double Min, double Max, double Sum, long Count)
    {
        public static MinuteSummary Of(double value) => new(value, value, value, 1);

        public MinuteSummary Add(double value) => new(Math.Min(Min, value), Math.Max(Max, value), Sum + value, Count + 1);
    }

    private enum PointInsert
    {
        Inserted,
        Duplicate,
        SeriesGone,
    }

    /// <summary>
    /// The writer's prepared statements, bound to each batch's transaction. SQLite reports a missing series or device
    /// as a foreign key error and goes on; PostgreSQL would abort the whole transaction on any error, so there the
    /// inserts check for the row they refer to and skip what another worker stored first.
    /// </summary>
    private sealed class Statements : IDisposable
    {
        private readonly bool _postgreSql;
        private readonly DbCommand _insertPoint;
        private readonly DbCommand _seriesExists;
        private readonly DbCommand _upsertMinute;
        private readonly DbCommand _findSeries;
        private readonly DbCommand _countSeries;
        private readonly DbCommand _insertSeries;

        public Statements(DbConnection connection, bool postgreSql)
        {
            _postgreSql = postgreSql;
            _insertPoint = Command(connection, postgreSql
                ? "INSERT INTO telemetry_points (series_id, ts, value) SELECT @s, @t, @v WHERE EXISTS (SELECT 1 FROM telemetry_series WHERE id = @s) ON CONFLICT DO NOTHING"
                : "INSERT OR IGNORE INTO telemetry_points (series_id, ts, value) VALUES (@s, @t, @v)", "@s", "@t", "@v");
            _seriesExists = Command(connection, "SELECT 1 FROM telemetry_series WHERE id = @s", "@s");
            var (least, greatest) = postgreSql ? ("least", "greatest") : ("min", "max");
            _upsertMinute = Command(connection, $"""
                INSERT INTO telemetry_minutes (series_id, ts, min_value, max_value, sum_value, "count") VALUES (@s, @t, @min, @max, @sum, @n)
                ON CONFLICT (series_id, ts) DO UPDATE SET
                    min_value = {least}(telemetry_minutes.min_value, excluded.min_value),
                    max_value = {greatest}(telemetry_minutes.max_value, excluded.max_value),
                    sum_value = telemetry_minutes.sum_value + excluded.sum_value,
                    "count" = telemetry_minutes."count" + excluded."count"
                """, "@s", "@t", "@min", "@max", "@sum", "@n");
            _findSeries = Command(connection, "SELECT id FROM telemetry_series WHERE device_id = @d AND key = @k", "@d", "@k");
            _countSeries = Command(connection, "SELECT count(*) FROM telemetry_series WHERE device_id = @d", "@d");
            _insertSeries = Command(connection, postgreSql
                ? "INSERT INTO telemetry_series (device_id, key) SELECT @d, @k WHERE EXISTS (SELECT 1 FROM devices WHERE id = @d) ON CONFLICT (device_id, key) DO NOTHING RETURNING id"
                : "INSERT INTO telemetry_series (device_id, key) VALUES (@d, @k) RETURNING id", "@d", "@k");
        }

        public void Use(DbTransaction transaction)
        {
            foreach (var command in Commands)
            {
                command.Transaction = transaction;
            }
        }

        public PointInsert InsertPoint(long series, long timestamp, double value)
        {
            var parameters = _insertPoint.Parameters;
            parameters[0].Value = series;
            parameters[1].Value = timestamp;
            parameters[2].Value = value;
            try
            {
                if (_insertPoint.ExecuteNonQuery() == 1)
                {
                    return PointInsert.Inserted;
                }
            }
            catch (SqliteException exception) when (exception.SqliteExtendedErrorCode == ForeignKeyViolation)
            {
                return PointInsert.SeriesGone;
            }

            if (!_postgreSql)
            {
                return PointInsert.Duplicate;
            }

            _seriesExists.Parameters[0].Value = series;
            return _seriesExists.ExecuteScalar() is null ? PointInsert.SeriesGone : PointInsert.Duplicate;
        }

        public void UpsertMinute(long series, long start, MinuteSummary summary)
        {
            var parameters = _upsertMinute.Parameters;
            parameters[0].Value = series;
            parameters[1].Value = start;
            parameters[2].Value = summary.Min;
            parameters[3].Value = summary.Max;
            parameters[4].Value = summary.Sum;
            parameters[5].Value = summary.Count;
            _upsertMinute.ExecuteNonQuery();
        }

        public long? FindSeries(string deviceId, string key)
        {
            _findSeries.Parameters[0].Value = deviceId;
            _findSeries.Parameters[1].Value = key;
            return _findSeries.ExecuteScalar() is long id ? id : null;
        }

        public long CountSeries(string deviceId)
        {
            _countSeries.Parameters[0].Value = deviceId;
            return Convert.ToInt64(_countSeries.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>The new series' id; null when the device does not exist or (PostgreSQL) the series already does.</summary>
        public long? InsertSeries(string deviceId, string key)
        {
            _insertSeries.Parameters[0].Value = deviceId;
            _insertSeries.Parameters[1].Value = key;
            try
            {
                return _insertSeries.ExecuteScalar() is long id ? id : null;
            }
            catch (SqliteException exception) when (exception.SqliteExtendedErrorCode == ForeignKeyViolation)
            {
                return null;
            }
        }

        public void Dispose()
        {
            foreach (var command in Commands)
            {
                command.Dispose();
            }
        }

        private IEnumerable<DbCommand> Commands => [_insertPoint, _seriesExists, _upsertMinute, _findSeries, _countSeries, _insertSeries];

        private static DbCommand Command(DbConnection connection, string text, params string[] parameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = text;
            foreach (var name in parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                command.Parameters.Add(parameter);
            }

            return command;
        }
    }
}
