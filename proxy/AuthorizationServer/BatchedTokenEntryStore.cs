using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Facade.Proxy.AuthorizationServer;

/// <summary>
/// OpenIddict's Entity Framework token store, except that the entries of the tokens a grant issues (access, refresh and
/// identity tokens) are only added to the request's context: <see cref="SaveGrantHandler"/> writes them, with
/// the ledger row (proxy/Ledger/LedgerSignInHandler.cs) and, for a refresh grant, the spent refresh token's redemption,
/// in one transaction after every token of the response is generated and before the response is sent.
/// </summary>
/// <remarks>
/// OpenIddict never updates these entries during their own grant: it persists no payload for JWT access tokens,
/// identity tokens, or refresh tokens that are not reference tokens (this server issues no reference tokens; one would
/// fail loudly, as OpenIddict could not find the unsaved entry to attach its payload to). Authorization codes are
/// reference tokens and are written at once. String-keyed entities carry their id from construction, so a token's
/// <c>oi_tkn_id</c> is known before the row is written.
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
        if (!IssuedWithTheGrant(token.Type))
        {
            await base.CreateAsync(token, cancellationToken);
            return;
        }

        var db = await Context.GetDbContextAsync(cancellationToken);
        db.Add(token);
    }

    private static bool IssuedWithTheGrant(string? type) => type is
        TokenTypeIdentifiers.AccessToken or TokenTypeHints.AccessToken
        or TokenTypeIdentifiers.RefreshToken or TokenTypeHints.RefreshToken
        or TokenTypeIdentifiers.IdentityToken;
}
