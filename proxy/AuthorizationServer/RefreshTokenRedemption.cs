using System.Security.Claims;
using System.Text.Json;
using Facade.Proxy.Data;
using Facade.Proxy.Ledger;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Facade.Proxy.AuthorizationServer;

internal enum RedemptionOutcome
{
    /// <summary>This request redeems the refresh token (now, or without a leeway when its new tokens are saved): it gets a new pair.</summary>
    First,

    /// <summary>A second redemption within the reuse leeway: it gets the first redemption's response again.</summary>
    Replay,

    /// <summary>The token was already redeemed and nothing may be replayed: reuse, the grant is revoked.</summary>
    Reused,
}

internal readonly record struct Redemption(RedemptionOutcome Outcome, string? ReplayedResponse = null);

/// <summary>
/// Makes each refresh token redeemable once, also under concurrent requests on several nodes: OpenIddict checks a
/// token's status before the grant and marks it redeemed after, so two requests racing each other both pass; here
/// one conditional update decides which of them redeems it. Without a reuse leeway (the default) that update runs in
/// the grant's one transaction, with the new token entries and the ledger row (<see cref="SaveWithRedemptionAsync"/>):
/// the request that loses writes nothing, and a save that fails leaves the presented token valid for a retry. With a
/// reuse leeway configured, the update runs before the grant instead, because the loser must wait for the first
/// redemption's response rather than be refused: that response is kept (protected with Data Protection, on the spent
/// token's own row, for the leeway only in effect: OpenIddict refuses the token once the leeway is over) and a second
/// redemption within the leeway gets exactly it, so a client retrying or refreshing in parallel never forks the grant
/// into two families.
/// </summary>
internal sealed partial class RefreshTokenRedemption(
    IServiceScopeFactory scopes,
    IDataProtectionProvider dataProtection,
    IOptions<TokenOptions> options,
    TokenLedger ledger,
    TimeProvider time,
    ILogger<RefreshTokenRedemption> logger)
{
    private const string ResponseProperty = "facade_first_response";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>The refresh token this token request presented, as OpenIddict validated it (null for other grants).</summary>
    public static ClaimsPrincipal? Presented(OpenIddictServerTransaction transaction) =>
        transaction.GetProperty<ProcessAuthenticationContext>(typeof(ProcessAuthenticationContext).FullName!)?.RefreshTokenPrincipal;

    /// <summary>True without a reuse leeway: the token is redeemed when the grant is saved, not before.</summary>
    public bool RedeemsOnSave => options.Value.RefreshTokenReuseLeeway <= TimeSpan.Zero;

    /// <summary>Decides what the token request presenting <paramref name="refreshToken"/> gets.</summary>
    public async Task<Redemption> RedeemAsync(ClaimsPrincipal refreshToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refreshToken);
        if (RedeemsOnSave)
        {
            return new Redemption(RedemptionOutcome.First);
        }

        var tokenId = PresentedTokenId(refreshToken);
        bool claimed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            claimed = await TryClaimAsync(scope.ServiceProvider.GetRequiredService<FacadeDbContext>(), tokenId, cancellationToken);
        }

        if (claimed)
        {
            return new Redemption(RedemptionOutcome.First);
        }

        // OpenIddict lets an already redeemed token through only within the leeway; past it, or with no first response
        // to replay, this request lost a race against another redemption of the same token, which is reuse like any other.
        if (await WaitForFirstResponseAsync(tokenId, options.Value.RefreshTokenReuseLeeway, cancellationToken) is { } replayed)
        {
            return new Redemption(RedemptionOutcome.Replay, replayed);
        }

        await RevokeGrantAsync(refreshToken.GetAuthorizationId(), cancellationToken);
        return new Redemption(RedemptionOutcome.Reused);
    }

    /// <summary>
    /// Saves what the grant added to <paramref name="db"/> (its token entries and ledger row) in one transaction with the
    /// update that redeems the presented refresh token. False when another request redeemed it first: nothing of this
    /// grant is written, its access token is dead in this node's ledger cache, and the whole grant is revoked (reuse).
    /// </summary>
    public async Task<bool> SaveWithRedemptionAsync(FacadeDbContext db, ClaimsPrincipal refreshToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(refreshToken);
        var tokenId = PresentedTokenId(refreshToken);
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (await TryClaimAsync(db, tokenId, cancellationToken))
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return true;
            }

            // Ended before the grant is revoked on another connection, which on SQLite waits for this one's write.
            await transaction.RollbackAsync(cancellationToken);
        }

        var discarded = db.ChangeTracker.Entries().Where(e => e.State == EntityState.Added).ToList();
        foreach (var entry in discarded)
        {
            entry.State = EntityState.Detached;
        }

        ledger.ApplyRevocations(discarded.Select(e => e.Entity).OfType<ApiToken>().Select(t => t.Jti));
        await RevokeGrantAsync(refreshToken.GetAuthorizationId(), cancellationToken);
        return false;
    }

    /// <summary>Keeps a first redemption's response for a replay within the leeway (nothing when there is none).</summary>
    public async Task RememberAsync(string tokenId, OpenIddictResponse response, CancellationToken cancellationToken)
    {
        if (options.Value.RefreshTokenReuseLeeway <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
            if (await tokens.FindByIdAsync(tokenId, cancellationToken) is not { } token)
            {
                return;
            }

            var descriptor = new OpenIddictTokenDescriptor();
            await tokens.PopulateAsync(descriptor, token, cancellationToken);
            descriptor.Properties[ResponseProperty] = JsonSerializer.SerializeToElement(Protector(tokenId).Protect(JsonSerializer.Serialize(response)));
            await tokens.UpdateAsync(token, descriptor, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The client has its tokens either way; only a replay within the leeway will find nothing and be refused.
            LogNotRemembered(logger, exception);
        }
    }

    private static string PresentedTokenId(ClaimsPrincipal refreshToken) =>
        refreshToken.GetTokenId() ?? throw new InvalidOperationException("The refresh token has no token entry.");

    /// <summary>One conditional update: exactly one request moves the token from valid to redeemed.</summary>
    private async Task<bool> TryClaimAsync(FacadeDbContext db, string tokenId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var claimed = await db.Set<OpenIddictEntityFrameworkCoreToken>()
            .Where(t => t.Id == tokenId && t.Status == Statuses.Valid)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.Status, Statuses.Redeemed).SetProperty(t => t.RedemptionDate, now), cancellationToken);
        return claimed == 1;
    }

    /// <summary>
    /// The first redemption's response, waiting while that redemption is still being answered (possibly on another
    /// node, hence polling the shared row), at most the leeway.
    /// </summary>
    private async Task<string?> WaitForFirstResponseAsync(string tokenId, TimeSpan leeway, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + leeway;
        while (true)
        {
            await using (var scope = scopes.CreateAsyncScope())
            {
                var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
                if (await tokens.FindByIdAsync(tokenId, cancellationToken) is not { } token
                    || !await tokens.HasStatusAsync(token, Statuses.Redeemed, cancellationToken))
                {
                    return null;
                }

                var properties = await tokens.GetPropertiesAsync(token, cancellationToken);
                if (properties.TryGetValue(ResponseProperty, out var stored) && stored.GetString() is { } protectedResponse)
                {
                    return Protector(tokenId).Unprotect(protectedResponse);
                }
            }

            if (time.GetUtcNow() >= deadline)
            {
                return null;
            }

            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    private async Task RevokeGrantAsync(string? authorizationId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(authorizationId))
        {
            return;
        }

        // The authorization, its tokens and their ledger entries (LedgerTokenManager): the other request of the race may
        // still be minting its tokens, and those must die with the grant too.
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().RevokeByAuthorizationIdAsync(authorizationId, cancellationToken);
        LogReuse(logger, authorizationId);
    }

    private IDataProtector Protector(string tokenId) => dataProtection.CreateProtector("Facade.RefreshTokenRedemption.v1", tokenId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A refresh token was redeemed twice at once; authorization {AuthorizationId} and its tokens are revoked")]
    private static partial void LogReuse(ILogger logger, string authorizationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The response of a refresh token's first redemption could not be kept for replays within the reuse leeway")]
    private static partial void LogNotRemembered(ILogger logger, Exception exception);
}
