using Facade.Proxy.Data;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;

namespace Facade.Proxy.Account;

/// <summary>
/// Ends everything a user's earlier sign-ins handed out, at once: a new security stamp (codes and refresh tokens
/// made under the old one are refused at the token endpoint), every authorization and token of the user revoked in
/// OpenIddict, and every access token of the user revoked in the ledger the edge consults.
/// </summary>
internal sealed class UserGrantRevocation(
    UserManager<FacadeUser> users,
    IOpenIddictAuthorizationManager authorizations,
    IOpenIddictTokenManager tokens)
{
    /// <returns>How many authorizations (grants) were revoked.</returns>
    public async Task<long> RevokeAllAsync(FacadeUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var stamp = await users.UpdateSecurityStampAsync(user);
        if (!stamp.Succeeded)
        {
            throw new InvalidOperationException("The security stamp could not be changed: " + string.Join("; ", stamp.Errors.Select(e => e.Description)));
        }

        var revoked = await authorizations.RevokeBySubjectAsync(user.Id, cancellationToken);

        // The ledger's token manager also revokes the user's access tokens in the ledger (LedgerTokenManager).
        await tokens.RevokeBySubjectAsync(user.Id, cancellationToken);
        return revoked;
    }
}
