using System.Collections.Concurrent;
using Facade.Proxy.Data;
using Microsoft.EntityFrameworkCore;

namespace Facade.Proxy.Ledger;

/// <summary>
/// Records when the edge last accepted each access token (<see cref="ApiToken.LastUsedAt"/>, shown on the console's
/// tokens page): at most one write a minute per token, off the request path, like the last use of an API key
/// (ApiKeys/ApiKeyAuthenticator.cs). A failed write is logged and forgotten: it is a convenience, not an audit log.
/// </summary>
internal sealed partial class TokenLastUse(IServiceScopeFactory scopes, TimeProvider time, ILogger<TokenLastUse> logger)
{
    /// <summary>The last-used time of a token is written at most this often.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMinutes(1);

    private const int PruneThreshold = 100_000;

    private readonly ConcurrentDictionary<string, long> _lastWrite = new(StringComparer.Ordinal);

    public void Touch(string jti)
    {
        var now = time.GetUtcNow();
        if (!TryClaim(jti, now))
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<FacadeDbContext>();
                await db.ApiTokens.Where(t => t.Jti == jti).ExecuteUpdateAsync(set => set.SetProperty(t => t.LastUsedAt, now));
            }
            catch (Exception exception)
            {
                LogWriteFailed(logger, exception.GetType().Name);
            }
        });
    }

    private bool TryClaim(string jti, DateTimeOffset now)
    {
        if (_lastWrite.Count >= PruneThreshold)
        {
            foreach (var (key, ticks) in _lastWrite)
            {
                if (now.UtcTicks - ticks >= Resolution.Ticks)
                {
                    _lastWrite.TryRemove(KeyValuePair.Create(key, ticks));
                }
            }
        }

        while (true)
        {
            if (!_lastWrite.TryGetValue(jti, out var previous))
            {
                if (_lastWrite.TryAdd(jti, now.UtcTicks))
                {
                    return true;
                }

                continue;
            }

            if (now.UtcTicks - previous < Resolution.Ticks)
            {
                return false;
            }

            if (_lastWrite.TryUpdate(jti, now.UtcTicks, previous))
            {
                return true;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the last use of an access token ({Error})")]
    private static partial void LogWriteFailed(ILogger logger, string error);
}
