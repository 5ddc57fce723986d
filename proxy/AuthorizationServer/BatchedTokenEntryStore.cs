using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Facade.Proxy.AuthorizationServer;

/// <summary>
/// OpenIddict's Entity Framework token store, except that an access token's entry is only added to the request's
/// context: it is written, in the same transaction, with the refresh token entry OpenIddict saves next (and the
/// ledger row, proxy/Ledger/LedgerSignInHandler.cs), or by <see cref="Ledger.LedgerFlushHandler"/> when no refresh token
/// follows. Either way it is committed before the response leaves, and a grant costs one commit less.
/// </summary>
/// <remarks>
/// An access token's entry is never updated during its own grant (OpenIddict persists no payload for JWT access
/// tokens), so nothing reads or changes it before it is saved. String-keyed entities carry their id from construction,
/// so the token's <c>oi_tkn_id</c> is known before the row is written.
/// </remarks>
internal sealed class BatchedTokenEntryStore(
    IMemoryCache cache,
    IOpenIddictEntityFrameworkCoreContext context,
    IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> options)
    : OpenIddictEntityFrameworkCoreTokenStore(cache, context, options)
{
    public override async ValueTask CreateAsync(OpenIddictEntityFrameworkCoreToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Type is not (TokenTypeIdentifiers.AccessToken or TokenTypeHints.AccessToken))
        {
            await base.CreateAsync(token, cancellationToken);
            return;
        }

        var db = await Context.GetDbContextAsync(cancellationToken);
        db.Add(token);
    }
}
