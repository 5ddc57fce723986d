using Facade.Proxy.Ledger;

namespace Facade.Proxy.Realtime;

/// <summary>
/// One loop for every connection: about every 500 ms it reads the ledger's revocations since its last position (the
/// data <c>/oauth/revocations</c> serves, <see cref="TokenLedger.RevokedAfterAsync"/>) and closes with 4403 the
/// connections holding those jtis. Revoking a token, its grant, or the API key a token was minted from all land in the
/// ledger, in this process or another (admin command line, another edge), so a socket is closed within about a second
/// of any of them: one query per interval whatever the number of connections.
/// </summary>
internal sealed partial class RealtimeRevocationWatcher(TokenLedger ledger, RealtimeHub hub, TimeProvider time, ILogger<RealtimeRevocationWatcher> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private const int PageSize = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        RevocationPosition? position = null;
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                position ??= await ledger.LatestRevocationAsync(stoppingToken);
                position = await CloseRevokedAsync(position.Value, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogFailed(logger, exception.GetType().Name);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private async Task<RevocationPosition> CloseRevokedAsync(RevocationPosition position, CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await ledger.RevokedAfterAsync(position, PageSize, cancellationToken);
            foreach (var revoked in page)
            {
                if (hub.CloseByJti(revoked.Jti, CloseReason.TokenRevoked) > 0)
                {
                    LogClosed(logger, revoked.Jti);
                }
            }

            if (page.Count > 0)
            {
                position = page[^1].Position;
            }

            if (page.Count < PageSize)
            {
                return position;
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Realtime: closed the connections of revoked token {Jti}")]
    private static partial void LogClosed(ILogger logger, string jti);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Realtime: reading the ledger's revocations failed ({Error}); retrying")]
    private static partial void LogFailed(ILogger logger, string error);
}
