using Facade.Proxy.Data;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Facade.Proxy.Ledger;

/// <summary>
/// Records every access token the authorization server issues in the ledger, right after it is generated. The row is
/// added to the request's <see cref="FacadeDbContext"/> (the one OpenIddict's stores use) and written in the grant's one
/// commit with the new token entries (proxy/AuthorizationServer/SaveGrantHandler.cs).
/// </summary>
internal sealed class LedgerSignInHandler(TokenLedger ledger, FacadeDbContext db) : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseScopedHandler<LedgerSignInHandler>()
            .SetOrder(OpenIddictServerHandlers.GenerateAccessToken.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrEmpty(context.AccessToken))
        {
            return ValueTask.CompletedTask;
        }

        var token = new JsonWebToken(context.AccessToken);
        ledger.Enlist(new ApiToken
        {
            Jti = token.Id,
            Subject = token.Subject ?? "",
            ClientId = token.TryGetPayloadValue<string>("client_id", out var client) ? client : null,
            Label = ApiToken.OAuthLabel,
            Scopes = token.TryGetPayloadValue<string>("scope", out var scope) ? scope : "",
            CreatedAt = token.IssuedAt == DateTime.MinValue ? DateTimeOffset.UtcNow : token.IssuedAt,
            ExpiresAt = token.ValidTo,
            AuthorizationId = token.TryGetPayloadValue<string>("oi_au_id", out var authorization) ? authorization : null,
            TokenId = token.TryGetPayloadValue<string>("oi_tkn_id", out var tokenId) ? tokenId : null,
        }, db);
        return ValueTask.CompletedTask;
    }
}
