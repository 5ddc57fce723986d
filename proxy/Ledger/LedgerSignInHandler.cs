using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Facade.Proxy.Ledger;

/// <summary>Records every access token the authorization server issues in the ledger, right after it is generated.</summary>
internal sealed class LedgerSignInHandler(TokenLedger ledger) : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<LedgerSignInHandler>()
            .SetOrder(OpenIddictServerHandlers.GenerateAccessToken.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessSignInContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrEmpty(context.AccessToken))
        {
            return;
        }

        var token = new JsonWebToken(context.AccessToken);
        await ledger.RecordAsync(new ApiToken
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
        }, context.CancellationToken);
    }
}
