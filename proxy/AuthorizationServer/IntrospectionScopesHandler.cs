using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Facade.Proxy.AuthorizationServer;

/// <summary>
/// OpenIddict only discloses scopes to callers named in the token's audience. Our tokens name the edge's URL, and
/// introspection is reserved for configured resource servers, which need the scopes to authorize: attach them.
/// </summary>
internal sealed class IntrospectionScopesHandler : IOpenIddictServerHandler<HandleIntrospectionRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleIntrospectionRequestContext>()
            .UseSingletonHandler<IntrospectionScopesHandler>()
            .SetOrder(OpenIddictServerHandlers.Introspection.AttachApplicationClaims.Descriptor.Order + 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleIntrospectionRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GenericTokenPrincipal is { } principal)
        {
            context.Scopes.UnionWith(principal.GetScopes());
            context.Username ??= principal.GetClaim(OpenIddictConstants.Claims.PreferredUsername);
        }

        return ValueTask.CompletedTask;
    }
}
