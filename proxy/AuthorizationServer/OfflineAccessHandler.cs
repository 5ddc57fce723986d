using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Facade.Proxy.AuthorizationServer;

/// <summary>
/// Decides at the token endpoint whether a grant gets a refresh token, which OpenIddict issues exactly when the
/// granted scopes hold <c>offline_access</c>: a client registered with the <c>refresh_token</c> grant gets it added
/// (<see cref="TokenOptions.RefreshTokensWithoutOfflineAccess"/>; MCP clients do not ask for it), a client without
/// that grant never keeps it.
/// </summary>
internal sealed class OfflineAccessHandler(IOpenIddictApplicationManager applications, IOptions<TokenOptions> options)
    : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseScopedHandler<OfflineAccessHandler>()
            .SetOrder(OpenIddictServerHandlers.EvaluateGeneratedTokens.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessSignInContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.EndpointType is not OpenIddictServerEndpointType.Token || context.Principal is not { } principal
            || !(context.Request.IsAuthorizationCodeGrantType() || context.Request.IsRefreshTokenGrantType()))
        {
            return;
        }

        var application = string.IsNullOrEmpty(context.ClientId) ? null : await applications.FindByClientIdAsync(context.ClientId, context.CancellationToken);
        var mayRefresh = application is not null
            && await applications.HasPermissionAsync(application, Permissions.GrantTypes.RefreshToken, context.CancellationToken);
        var scopes = principal.GetScopes();
        if (!mayRefresh && scopes.Contains(Scopes.OfflineAccess))
        {
            principal.SetScopes(scopes.Remove(Scopes.OfflineAccess));
        }
        else if (mayRefresh && options.Value.RefreshTokensWithoutOfflineAccess && !scopes.Contains(Scopes.OfflineAccess))
        {
            principal.SetScopes(scopes.Add(Scopes.OfflineAccess));
        }
    }
}
