using Facade.Proxy.Data;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Facade.Proxy.AuthorizationServer;

/// <summary>
/// The grant's one commit, after every token of the response is generated and before the response is sent: the token
/// entries (<see cref="BatchedTokenEntryStore"/>) and the ledger row (proxy/Ledger/LedgerSignInHandler.cs). A refresh
/// grant without a reuse leeway also redeems the presented refresh token in that transaction
/// (<see cref="RefreshTokenRedemption.SaveWithRedemptionAsync"/>), so a request that lost the token to another writes
/// nothing and gets <c>invalid_grant</c>, and one whose save fails leaves the refresh token valid.
/// </summary>
internal sealed class SaveGrantHandler(FacadeDbContext db, RefreshTokenRedemption redemptions) : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseScopedHandler<SaveGrantHandler>()
            .SetOrder(OpenIddictServerHandlers.GenerateIdentityToken.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessSignInContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.EndpointType is OpenIddictServerEndpointType.Token && context.Request.IsRefreshTokenGrantType() && redemptions.RedeemsOnSave)
        {
            var presented = RefreshTokenRedemption.Presented(context.Transaction)
                ?? throw new InvalidOperationException("A refresh grant without its validated refresh token.");
            if (!await redemptions.SaveWithRedemptionAsync(db, presented, context.CancellationToken))
            {
                context.Reject(Errors.InvalidGrant, "The refresh token has already been used.");
            }

            return;
        }

        if (db.ChangeTracker.Entries().Any(e => e.State == EntityState.Added))
        {
            await db.SaveChangesAsync(context.CancellationToken);
        }
    }
}
