using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Facade.Proxy.AuthorizationServer;

/// <summary>
/// Takes the place of OpenIddict's <c>ValidateClientRedirectUri</c> at the authorize endpoint: the redirect_uri must be
/// one the client registered, by <see cref="RedirectUriMatching"/> (exact, or a loopback IP literal on another port).
/// OpenIddict's own relaxed rule for native apps (any loopback host, localhost included, when no port was registered)
/// no longer applies, so there is one rule. The token endpoint keeps OpenIddict's check: the redirect_uri there must
/// repeat the authorization request's exactly (RFC 6749 §4.1.3), port included.
/// </summary>
internal sealed class RedirectUriHandler(IOpenIddictApplicationManager applications) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .AddFilter<OpenIddictServerHandlerFilters.RequireDegradedModeDisabled>()
            .UseScopedHandler<RedirectUriHandler>()
            .SetOrder(OpenIddictServerHandlers.Authentication.ValidateClientRedirectUri.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var application = await applications.FindByClientIdAsync(context.ClientId!, context.CancellationToken)
            ?? throw new InvalidOperationException("The client application cannot be found.");
        var registered = await applications.GetRedirectUrisAsync(application, context.CancellationToken);

        // Without a redirect_uri, the client's only registered one is meant (as OpenIddict does it).
        if (string.IsNullOrEmpty(context.RedirectUri))
        {
            if (registered.Length != 1)
            {
                context.Reject(Errors.InvalidRequest, "The mandatory 'redirect_uri' parameter is missing.");
                return;
            }

            context.SetRedirectUri(registered[0]);
            return;
        }

        if (RedirectUriMatching.FindRegistered(registered, context.RedirectUri) is null)
        {
            context.Reject(Errors.InvalidRequest, "The specified 'redirect_uri' is not valid for this client application.");
        }
    }
}
