using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Facade.Proxy.AuthorizationServer;

/// <summary>Hands the response of a refresh token's (first) redemption to <see cref="RefreshTokenRedemption"/>.</summary>
internal sealed class RememberRefreshResponseHandler(RefreshTokenRedemption redemptions) : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseSingletonHandler<RememberRefreshResponseHandler>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request is not { } request || !request.IsRefreshTokenGrantType() || string.IsNullOrEmpty(context.Response.AccessToken))
        {
            return;
        }

        if (RefreshTokenRedemption.Presented(context.Transaction)?.GetTokenId() is { } tokenId)
        {
            await redemptions.RememberAsync(tokenId, context.Response, context.CancellationToken);
        }
    }
}
