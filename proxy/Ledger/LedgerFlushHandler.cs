using Facade.Proxy.Data;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Facade.Proxy.Ledger;

/// <summary>
/// Writes the ledger row <see cref="LedgerSignInHandler"/> enlisted and the access token's entry
/// (<see cref="AuthorizationServer.BatchedTokenEntryStore"/>) when no later save carried them (no refresh token was
/// issued), after every token of the response is generated and before the response is sent.
/// </summary>
internal sealed class LedgerFlushHandler(FacadeDbContext db) : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseScopedHandler<LedgerFlushHandler>()
            .SetOrder(OpenIddictServerHandlers.GenerateIdentityToken.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessSignInContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (db.ChangeTracker.Entries().Any(e => e.State == EntityState.Added))
        {
            await db.SaveChangesAsync(context.CancellationToken);
        }
    }
}
