using Facade.Proxy.Hosting;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Facade.Proxy.AuthorizationServer;

/// <summary>
/// RFC 8707: a <c>resource</c> on the authorize or token request must be an absolute URI naming the edge itself or a
/// path under it (e.g. <c>…/mcp</c>); anything else is <c>invalid_target</c>. Tokens always carry the canonical resource.
/// They run before OpenIddict's own syntax check, which would answer <c>invalid_request</c> for a relative URI or a
/// fragment where RFC 8707 §2 asks for <c>invalid_target</c>.
/// </summary>
internal static class ResourceIndicatorHandlers
{
    public static OpenIddictServerHandlerDescriptor ForAuthorization { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseSingletonHandler<AuthorizationResources>()
            .SetOrder(OpenIddictServerHandlers.Authentication.ValidateResourceParameter.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public static OpenIddictServerHandlerDescriptor ForToken { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseSingletonHandler<TokenResources>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateResourceParameter.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    private static void Validate(BaseValidatingContext context, OpenIddictRequest request, PublicUrl publicUrl)
    {
        foreach (var resource in request.GetResources())
        {
            if (!publicUrl.IsOwnResource(resource))
            {
                context.Reject(
                    OpenIddictConstants.Errors.InvalidTarget,
                    "The resource parameter must be an absolute URI of this server (RFC 8707).");
                return;
            }
        }
    }

    internal sealed class AuthorizationResources(PublicUrl publicUrl) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
    {
        public ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            Validate(context, context.Request, publicUrl);
            return ValueTask.CompletedTask;
        }
    }

    internal sealed class TokenResources(PublicUrl publicUrl) : IOpenIddictServerHandler<ValidateTokenRequestContext>
    {
        public ValueTask HandleAsync(ValidateTokenRequestContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            Validate(context, context.Request, publicUrl);
            return ValueTask.CompletedTask;
        }
    }
}
