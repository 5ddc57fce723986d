using Facade.Proxy.Ledger;
using OpenIddict.Abstractions;

namespace Facade.Proxy.Pages.Console;

/// <summary>
/// Revokes one of the signed-in user's own access tokens from the console, as <c>/oauth/revoke</c> would: a token
/// OpenIddict issued is revoked through its token manager (the ledger follows, Ledger/LedgerTokenManager.cs); a
/// first-party or key-minted token is revoked in the ledger. Another user's token is never touched: it is as unknown
/// as one that does not exist.
/// </summary>
internal sealed class TokenRevocation(TokenLedger ledger, IOpenIddictTokenManager tokens)
{
    /// <returns>False when the user has no live token with this jti (unknown, someone else's, already revoked or expired).</returns>
    public async Task<bool> RevokeOwnAsync(string subject, string jti, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var token = await ledger.FindOfSubjectAsync(subject, jti, cancellationToken);
        if (token is null || token.RevokedAt is not null || token.ExpiresAt <= now)
        {
            return false;
        }

        if (token.TokenId is { } tokenId && await tokens.FindByIdAsync(tokenId, cancellationToken) is { } entry
            && await tokens.GetSubjectAsync(entry, cancellationToken) == subject)
        {
            await tokens.TryRevokeAsync(entry, cancellationToken);
        }

        // Also for OpenIddict's tokens: the ledger is what the edge and the revocation feed read, whatever happened above.
        await ledger.RevokeByJtiAsync(token.Jti, cancellationToken);
        return true;
    }
}
