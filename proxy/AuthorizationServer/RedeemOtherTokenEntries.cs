using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Facade.Proxy.AuthorizationServer;

/// <summary>
/// OpenIddict marks a presented code or refresh token redeemed during sign-in (a read and a write). For refresh grants
/// <see cref="RefreshTokenRedemption"/> has already done so, in one conditional update that also decides races, so
/// this replacement of OpenIddict's <c>RedeemTokenEntry</c> runs it, at the same place, for the other grants only
/// (authorization codes). It wraps rather than filters OpenIddict's handler: removing a built-in handler removes every
/// handler of its type.
/// </summary>
internal sealed class RedeemOtherTokenEntries(IOpenIddictTokenManager tokens) : IOpenIddictServerHandler<ProcessSignInContext>
{
    private readonly OpenIddictServerHandlers.RedeemTokenEntry _redeem = new(tokens);

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .AddFilter<OpenIddictServerHandlerFilters.RequireDegradedModeDisabled>()
            .AddFilter<OpenIddictServerHandlerFilters.RequireTokenStorageEnabled>()
            .UseScopedHandler<RedeemOtherTokenEntries>()
            .SetOrder(OpenIddictServerHandlers.RedeemTokenEntry.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.EndpointType is OpenIddictServerEndpointType.Token && context.Request.IsRefreshTokenGrantType()
            ? ValueTask.CompletedTask
            : _redeem.HandleAsync(context);
    }
}
