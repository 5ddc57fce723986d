using Facade.Proxy.Hosting;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Facade.Proxy.AuthorizationServer;

/// <summary>
/// RFC 8707: a <c>resource</c> on the authorize or token request must be an absolute URI naming the edge itself or a
/// path under it (e.g. <c>…/mcp</c>); anything else is <c>invalid_target</c>. The validators run before OpenIddict's
/// own syntax check, which would answer <c>invalid_request</c> for a relative URI or a fragment where RFC 8707 §2 asks
/// for <c>invalid_target</c>. At sign-in the grant's resources, which become the access token's <c>aud</c>, are set to
/// the canonical resource first (so one token serves every surface) followed by exactly what the client indicated.
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

    public static OpenIddictServerHandlerDescriptor ForSignIn { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<SignInResources>()
            .SetOrder(OpenIddictServerHandlers.InferResources.Descriptor.Order + 1)
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

    /// <summary>
    /// The resources indicated on this request (authorize or token), or when it names none, those the grant already
    /// carries (from the code or refresh token), always after the canonical resource.
    /// </summary>
    internal sealed class SignInResources(PublicUrl publicUrl) : IOpenIddictServerHandler<ProcessSignInContext>
    {
        public ValueTask HandleAsync(ProcessSignInContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            var principal = context.Principal ?? throw new InvalidOperationException("The sign-in has no principal.");
            var requested = context.Request?.GetResources() ?? [];
            var indicated = requested.IsDefaultOrEmpty ? principal.GetResources() : requested;
            principal.SetResources(new[] { publicUrl.Issuer }.Concat(indicated).Distinct(StringComparer.Ordinal));
            return ValueTask.CompletedTask;
        }
    }
}
