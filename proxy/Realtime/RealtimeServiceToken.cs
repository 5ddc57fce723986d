using Facade.Common;
using Facade.Proxy.AuthorizationServer;

namespace Facade.Proxy.Realtime;

/// <summary>
/// The edge's own token for the device edge's feed: sub <c>service:facade-edge</c>, client <c>facade-edge</c>, scope
/// <c>realtime:feed</c> only, 10 minutes, minted anew when less than 2 minutes are left. It is in the ledger (label
/// <c>service</c>) like every access token, so <c>/oauth/revocations</c> and an operator can revoke it, and the device
/// edge, which refuses jtis on that feed, treats it like any other.
/// </summary>
internal sealed class RealtimeServiceToken(AccessTokenMinter minter, TimeProvider time)
{
    public const string Subject = "service:facade-edge";
    public const string ClientId = "facade-edge";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(2);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private MintedToken? _current;

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current is null || _current.ExpiresAt - time.GetUtcNow() < RenewBefore)
            {
                _current = await minter.MintAsync(new ServiceTokenRequest(Subject, ClientId, ScopeCatalog.RealtimeFeed, Lifetime), cancellationToken);
            }

            return _current.Jwt;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The device edge refused the token (revoked, keys rotated): the next call mints a new one.</summary>
    public void Invalidate() => _current = null;
}
