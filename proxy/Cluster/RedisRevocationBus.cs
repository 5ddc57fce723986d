using Facade.Proxy.Ledger;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Facade.Proxy.Cluster;

/// <summary>
/// Fans revocations out to every edge node over Redis pub/sub: what this node's ledger revokes is published (the
/// revoked jtis), and what another node publishes is flipped in this node's ledger cache at once. Fail closed: while
/// Redis is unreachable the ledger trusts nothing it remembers for longer than its own interval (the shared database
/// stays the truth), and on reconnecting it forgets every remembered "active" so that revocations published meanwhile
/// are read from the ledger.
/// </summary>
internal sealed partial class RedisRevocationBus(TokenLedger ledger, IOptions<RedisOptions> options, IOptions<LedgerOptions> ledgerOptions,
    ILogger<RedisRevocationBus> logger) : IHostedService, IHealthCheck, IAsyncDisposable
{
    private readonly RedisChannel _channel = RedisChannel.Literal(options.Value.Channel);
    private ConnectionMultiplexer? _redis;

    public bool Connected => _redis is { IsConnected: true };

    /// <summary>The connection's database while connected (the shared rate limits count there too); null otherwise.</summary>
    public IDatabase? Database => Connected ? _redis!.GetDatabase() : null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var configuration = ConfigurationOptions.Parse(options.Value.Configuration!);
        configuration.AbortOnConnectFail = false; // start anyway and keep retrying: the ledger covers the gap
        configuration.ClientName ??= "facade-edge";
        _redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        _redis.ConnectionFailed += (_, e) => OnLost(e.FailureType);
        _redis.ConnectionRestored += (_, _) => OnRestored();
        await _redis.GetSubscriber().SubscribeAsync(_channel, (_, message) => ledger.ApplyRevocations(((string?)message ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        ledger.Revoked += Publish;
        if (Connected)
        {
            OnRestored();
        }
        else
        {
            LogNotConnected(logger);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        ledger.Revoked -= Publish;
        ledger.TrustActiveFor(ledgerOptions.Value.RevocationCheckInterval);
        if (_redis is null)
        {
            return;
        }

        try
        {
            await _redis.CloseAsync();
        }
        catch (Exception exception)
        {
            // StackExchange.Redis can throw from its own bookkeeping when it closes while reconnecting (seen as a
            // NullReferenceException after a Redis restart); the connection is disposed next either way, and a node
            // shutting down must not fail for it.
            LogCloseFailed(logger, exception.GetType().Name);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Connected
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded("Redis is unreachable: revocations from other nodes are read from the ledger."));

    private void Publish(IReadOnlyList<string> jtis)
    {
        if (_redis is null)
        {
            return;
        }

        // In chunks: one message per revocation call, bounded in size (a user's every token can be thousands).
        foreach (var chunk in jtis.Chunk(500))
        {
            _ = _redis.GetSubscriber().PublishAsync(_channel, string.Join(' ', chunk)).ContinueWith(
                task => LogNotPublished(logger, chunk.Length, task.Exception!.InnerException!.GetType().Name),
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private void OnLost(ConnectionFailureType failure)
    {
        ledger.TrustActiveFor(ledgerOptions.Value.RevocationCheckInterval);
        LogLost(logger, failure);
    }

    private void OnRestored()
    {
        if (!Connected)
        {
            return;
        }

        ledger.ForgetActive();
        ledger.TrustActiveFor(options.Value.TrustWhileConnected);
        LogConnected(logger);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Revocation bus: closing the Redis connection failed ({Error}); it is disposed instead")]
    private static partial void LogCloseFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Revocation bus: connected to Redis; remembered tokens are trusted between ledger reads as configured")]
    private static partial void LogConnected(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Revocation bus: Redis is unreachable at start; revocations from other nodes are read from the ledger until it connects")]
    private static partial void LogNotConnected(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Revocation bus: lost Redis ({Failure}); revocations from other nodes are read from the ledger until it returns")]
    private static partial void LogLost(ILogger logger, ConnectionFailureType failure);

    [LoggerMessage(Level = LogLevel.Error, Message = "Revocation bus: {Count} revocations were not published ({Error}); other nodes see them at their next ledger read")]
    private static partial void LogNotPublished(ILogger logger, int count, string error);
}
