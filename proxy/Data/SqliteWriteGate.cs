using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Facade.Proxy.Data;

/// <summary>
/// Lets one write at a time reach this process's SQLite file, queueing the others without blocking a thread. SQLite
/// takes one writer anyway; left to it, a second writer gets <c>SQLITE_BUSY</c> and Microsoft.Data.Sqlite retries after
/// putting the thread to sleep for 150 ms, which under a few concurrent token grants made the median grant wait
/// tens of milliseconds and the slowest a second. Readers are not gated: in WAL mode they never wait for the writer.
/// </summary>
/// <remarks>
/// A write is an explicit transaction (from its start to its commit or rollback; EF Core's <c>SaveChanges</c> opens
/// one) or a single statement outside a transaction that is not a <c>SELECT</c> (<c>ExecuteUpdate</c>, raw SQL), held
/// until its reader is closed. The gate belongs to the connection that took it, so the statements of a transaction
/// pass; closing the connection gives back whatever it still holds. Other processes (the admin commands) still meet
/// SQLite's own lock and the library's retries.
/// </remarks>
internal sealed class SqliteWriteGate : IDbTransactionInterceptor, IDbCommandInterceptor, IDbConnectionInterceptor
{
    /// <summary>As long as a statement may wait for SQLite's lock (the connection string's default timeout).</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private DbConnection? _holder;

    /// <summary>The holder's transaction, when the gate is held for one rather than for a single statement.</summary>
    private DbTransaction? _transaction;

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        Enter(connection);
        return result;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await EnterAsync(connection, cancellationToken);
        return result;
    }

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        Remember(connection, result);
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result,
        CancellationToken cancellationToken = default)
    {
        Remember(connection, result);
        return ValueTask.FromResult(result);
    }

    // A finished transaction no longer names its connection, hence the transaction itself is compared.
    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => LeaveTransaction(transaction);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        LeaveTransaction(transaction);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => LeaveTransaction(transaction);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        LeaveTransaction(transaction);
        return Task.CompletedTask;
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        Entered(command, result);

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) => EnteredAsync(command, result, cancellationToken);

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
        Entered(command, result);

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default) => EnteredAsync(command, result, cancellationToken);

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) =>
        Entered(command, result);

    public ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default) => EnteredAsync(command, result, cancellationToken);

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result) => Left(command, result);

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Left(command, result));

    public object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result) => Left(command, result);

    public ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Left(command, result));

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => LeaveStatement(command.Connection);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        LeaveStatement(command.Connection);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => LeaveStatement(command.Connection);

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        LeaveStatement(command.Connection);
        return Task.CompletedTask;
    }

    public InterceptionResult DataReaderClosing(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result) => Left(command, result);

    public ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result) =>
        ValueTask.FromResult(Left(command, result));

    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result) => Left(command, result);

    public InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Leave(connection);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Leave(connection);
        return ValueTask.FromResult(result);
    }

    private T Entered<T>(DbCommand command, T result)
    {
        EnterForStatement(command);
        return result;
    }

    private async ValueTask<T> EnteredAsync<T>(DbCommand command, T result, CancellationToken cancellationToken)
    {
        await EnterForStatementAsync(command, cancellationToken);
        return result;
    }

    private T Left<T>(DbCommand command, T result)
    {
        LeaveStatement(command.Connection);
        return result;
    }

    /// <summary>Whether the statement needs the gate: it writes, and no transaction of its connection holds it already.</summary>
    private bool NeedsGate(DbCommand command) =>
        command.Connection is { } connection && !ReferenceEquals(_holder, connection) && !IsQuery(command.CommandText);

    private void EnterForStatement(DbCommand command)
    {
        if (NeedsGate(command))
        {
            Enter(command.Connection!);
        }
    }

    private ValueTask EnterForStatementAsync(DbCommand command, CancellationToken cancellationToken) =>
        NeedsGate(command) ? EnterAsync(command.Connection!, cancellationToken) : ValueTask.CompletedTask;

    private void Enter(DbConnection connection)
    {
        if (ReferenceEquals(_holder, connection))
        {
            return;
        }

        if (!_gate.Wait(Patience))
        {
            throw new TimeoutException("The SQLite database stayed busy with other writes.");
        }

        Hold(connection);
    }

    private async ValueTask EnterAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (ReferenceEquals(_holder, connection))
        {
            return;
        }

        if (!await _gate.WaitAsync(Patience, cancellationToken))
        {
            throw new TimeoutException("The SQLite database stayed busy with other writes.");
        }

        Hold(connection);
    }

    private void Hold(DbConnection connection)
    {
        _holder = connection;
        _transaction = null;
    }

    private void Remember(DbConnection connection, DbTransaction transaction)
    {
        if (ReferenceEquals(_holder, connection))
        {
            _transaction = transaction;
        }
    }

    private void LeaveTransaction(DbTransaction transaction)
    {
        if (ReferenceEquals(_transaction, transaction))
        {
            Leave(_holder);
        }
    }

    /// <summary>The end of a single statement: gives the gate back unless a transaction holds it.</summary>
    private void LeaveStatement(DbConnection? connection)
    {
        if (_transaction is null)
        {
            Leave(connection);
        }
    }

    private void Leave(DbConnection? connection)
    {
        if (connection is not null && ReferenceEquals(_holder, connection))
        {
            _holder = null;
            _transaction = null;
            _gate.Release();
        }
    }

    /// <summary>A statement that only reads: <c>SELECT</c> first, after any whitespace and <c>--</c> comments (EF Core's query tags).</summary>
    internal static bool IsQuery(string sql)
    {
        var text = sql.AsSpan();
        while (true)
        {
            text = text.TrimStart();
            if (!text.StartsWith("--"))
            {
                break;
            }

            var end = text.IndexOf('\n');
            text = end < 0 ? [] : text[(end + 1)..];
        }

        return text.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase);
    }
}
