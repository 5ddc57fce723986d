using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.Ledger;

/// <summary>
/// OpenIddict's token manager, extended so that every revocation OpenIddict performs (RFC 7009 revocation, refresh
/// token reuse, authorization-code replay, consent withdrawal) also lands in the ledger the edge consults.
/// </summary>
public sealed class LedgerTokenManager(
    IOpenIddictTokenCache<OpenIddictEntityFrameworkCoreToken> cache,
    ILogger<OpenIddictTokenManager<OpenIddictEntityFrameworkCoreToken>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictTokenStore<OpenIddictEntityFrameworkCoreToken> store,
    TokenLedger ledger,
    IServiceProvider services)
    : OpenIddictTokenManager<OpenIddictEntityFrameworkCoreToken>(cache, logger, options, store)
{
    /// <summary>
    /// Revokes the grant's tokens, and the grant (authorization) itself. OpenIddict calls this when a spent refresh token
    /// comes again (reuse) and revokes only the tokens that exist at that moment; a redemption racing the reuse may
    /// still mint a new pair a moment later, which OpenIddict refuses later only because the authorization is revoked.
    /// Every other caller (consent withdrawal, the reuse race in RefreshTokenRedemption) ends the grant anyway.
    /// </summary>
    public override async ValueTask<long> RevokeByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken = default)
    {
        var authorizations = services.GetRequiredService<IOpenIddictAuthorizationManager>();
        if (await authorizations.FindByIdAsync(identifier, cancellationToken) is { } authorization)
        {
            await authorizations.TryRevokeAsync(authorization, cancellationToken);
        }

        var count = await base.RevokeByAuthorizationIdAsync(identifier, cancellationToken);
        await ledger.RevokeByAuthorizationAsync(identifier, cancellationToken);
        return count;
    }

    public override async ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken = default)
    {
        var count = await base.RevokeBySubjectAsync(subject, cancellationToken);
        await ledger.RevokeBySubjectAsync(subject, cancellationToken);
        return count;
    }

    public override async ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken = default)
    {
        var count = await base.RevokeByApplicationIdAsync(identifier, cancellationToken);
        // The ledger keys tokens by public client_id; OpenIddict hands us the application's internal id.
        var applications = services.GetRequiredService<IOpenIddictApplicationManager>();
        if (await applications.FindByIdAsync(identifier, cancellationToken) is { } application
            && await applications.GetClientIdAsync(application, cancellationToken) is { } clientId)
        {
            await ledger.RevokeByClientAsync(clientId, cancellationToken);
        }

        return count;
    }

    public override async ValueTask<bool> TryRevokeAsync(OpenIddictEntityFrameworkCoreToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!await base.TryRevokeAsync(token, cancellationToken))
        {
            return false;
        }

        if (token.Id is { } id)
        {
            await ledger.RevokeByTokenIdAsync(id, cancellationToken);
        }

        // RFC 7009 §2.1: revoking a refresh token should also invalidate the access tokens of the same grant.
        var type = await GetTypeAsync(token, cancellationToken);
        if (type is OpenIddictConstants.TokenTypeIdentifiers.RefreshToken or OpenIddictConstants.TokenTypeHints.RefreshToken
            && await GetAuthorizationIdAsync(token, cancellationToken) is { } authorization)
        {
            await ledger.RevokeByAuthorizationAsync(authorization, cancellationToken);
        }

        return true;
    }
}
