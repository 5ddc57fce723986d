using System.Runtime.InteropServices;
using System.Threading.Channels;
using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Telemetry;

/// <summary>
/// The one writer of telemetry: a dedicated thread that takes every message waiting (up to
/// <see cref="TelemetryOptions.MaxBatchMessages"/>) and commits them in one SQLite transaction with prepared
/// statements (group commit). <see cref="StoreAsync"/> returns only once the message's transaction is committed, so
/// the broker's PUBACK, sent after the handler returns, means stored. Readings that are already stored (same series
/// and ts: a redelivery) are ignored and not counted again; the per-minute summaries grow in the same transaction.
/// Other work on the telemetry tables (retention) runs between batches through <see cref="RunAsync{T}"/>, so nothing
/// else competes with ingest for SQLite's write lock.
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
    private SqliteConnection? _connection;
    private Statements? _sql;
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
    public async Task<T> RunAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        var job = new Job<T>(work);
        await _queue.Writer.WriteAsync(job, cancellationToken);
        return await job.Done.Task.WaitAsync(cancellationToken);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        string connectionString;
        await using (var db = await _contexts.CreateDbContextAsync(cancellationToken))
        {
            connectionString = db.Database.GetConnectionString()
                ?? throw new InvalidOperationException("The device edge's database has no connection string.");
        }

        _connection = Open(connectionString, _options.Durability);
        _sql = new Statements(_connection);
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

    private static SqliteConnection Open(string connectionString, TelemetryDurability durability)
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
                    ((IJob)item).Run(_connection!);
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

    private void WriteBatch()
    {
        var sql = _sql!;
        var readings = _observers.Any ? new List<TelemetryReading>(_batch.Count) : null;
        var stored = 0;
        var duplicates = 0;
        _minutes.Clear();
        _seriesAddedInBatch.Clear();
        try
        {
            using (var transaction = _connection!.BeginTransaction())
            {
                sql.Use(transaction);
                foreach (var pending in _batch)
                {
                    pending.Refusal = Write(pending, readings, ref duplicates);
                    stored += pending.Refusal == TelemetryRefusal.None && pending.New > 0 ? 1 : 0;
                }

                foreach (var ((series, start), summary) in _minutes)
                {
                    sql.UpsertMinute(series, start, summary);
                }

                transaction.Commit();
            }
        }
        catch (Exception exception) when (exception is SqliteException or InvalidOperationException)
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
        try
        {
            inserted = _sql!.InsertPoint(seriesId, timestamp, metric.Value);
            return true;
        }
        catch (SqliteException exception) when (exception.SqliteExtendedErrorCode == ForeignKeyViolation)
        {
            // The series is gone (its device was deleted, or retention removed it when it was empty): look again.
            ForgetSeries(deviceId);
            refusal = ResolveSeries(deviceId, metric.Key, out seriesId);
            if (refusal != TelemetryRefusal.None)
            {
                inserted = false;
                return false;
            }

            inserted = _sql!.InsertPoint(seriesId, timestamp, metric.Value);
            return true;
        }
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

            try
            {
                seriesId = sql.InsertSeries(deviceId, key);
            }
            catch (SqliteException exception) when (exception.SqliteExtendedErrorCode == ForeignKeyViolation)
            {
                return TelemetryRefusal.UnknownDevice;
            }

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
        void Run(SqliteConnection connection);
    }

    private sealed class Job<T>(Func<SqliteConnection, T> work) : WorkItem, IJob
    {
        public TaskCompletionSource<T> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Run(SqliteConnection connection)
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

    /// <summary>The writer's prepared statements, bound to each batch's transaction.</summary>
    private sealed class Statements : IDisposable
    {
        private readonly SqliteCommand _insertPoint;
        private readonly SqliteCommand _upsertMinute;
        private readonly SqliteCommand _findSeries;
        private readonly SqliteCommand _countSeries;
        private readonly SqliteCommand _insertSeries;

        public Statements(SqliteConnection connection)
        {
            _insertPoint = Command(connection, "INSERT OR IGNORE INTO telemetry_points (series_id, ts, value) VALUES ($s, $t, $v)", "$s", "$t", "$v");
            _upsertMinute = Command(connection, """
                INSERT INTO telemetry_minutes (series_id, ts, min_value, max_value, sum_value, "count") VALUES ($s, $t, $min, $max, $sum, $n)
                ON CONFLICT (series_id, ts) DO UPDATE SET
                    min_value = min(min_value, excluded.min_value),
                    max_value = max(max_value, excluded.max_value),
                    sum_value = sum_value + excluded.sum_value,
                    "count" = "count" + excluded."count"
                """, "$s", "$t", "$min", "$max", "$sum", "$n");
            _findSeries = Command(connection, "SELECT id FROM telemetry_series WHERE device_id = $d AND key = $k", "$d", "$k");
            _countSeries = Command(connection, "SELECT count(*) FROM telemetry_series WHERE device_id = $d", "$d");
            _insertSeries = Command(connection, "INSERT INTO telemetry_series (device_id, key) VALUES ($d, $k) RETURNING id", "$d", "$k");
        }

        public void Use(SqliteTransaction transaction)
        {
            _insertPoint.Transaction = transaction;
            _upsertMinute.Transaction = transaction;
            _findSeries.Transaction = transaction;
            _countSeries.Transaction = transaction;
            _insertSeries.Transaction = transaction;
        }

        public bool InsertPoint(long series, long timestamp, double value)
        {
            var parameters = _insertPoint.Parameters;
            parameters[0].Value = series;
            parameters[1].Value = timestamp;
            parameters[2].Value = value;
            return _insertPoint.ExecuteNonQuery() == 1;
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
            return (long)_countSeries.ExecuteScalar()!;
        }

        public long InsertSeries(string deviceId, string key)
        {
            _insertSeries.Parameters[0].Value = deviceId;
            _insertSeries.Parameters[1].Value = key;
            return (long)_insertSeries.ExecuteScalar()!;
        }

        public void Dispose()
        {
            _insertPoint.Dispose();
            _upsertMinute.Dispose();
            _findSeries.Dispose();
            _countSeries.Dispose();
            _insertSeries.Dispose();
        }

        private static SqliteCommand Command(SqliteConnection connection, string text, params string[] parameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = text;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            return command;
        }
    }
}
