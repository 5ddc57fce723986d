using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Facade.Proxy.AuthorizationServer;

/// <summary>
/// OpenIddict looks every token that is not a JWT up as a reference token first, one database query, then reads it
/// itself when no entry has it as reference id. Refresh tokens here are never reference tokens (they are Data
/// Protection payloads unless <c>UseReferenceRefreshTokens</c> is set), so the lookup a refresh grant makes can only
/// miss: this replacement of OpenIddict's <c>ValidateReferenceTokenIdentifier</c> skips it when a refresh token is
/// the only type expected and runs it unchanged otherwise (authorization codes are reference tokens; introspection
/// and revocation accept several types). A reference id of another token presented as a refresh token still fails:
/// Data Protection cannot read it. Wrapped rather than filtered: removing a built-in handler removes every handler of
/// its type.
/// </summary>
internal sealed class SelfContainedRefreshTokens(IOpenIddictTokenManager tokens) : IOpenIddictServerHandler<ValidateTokenContext>
{
    private readonly OpenIddictServerHandlers.Protection.ValidateReferenceTokenIdentifier _lookup = new(tokens);

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .AddFilter<OpenIddictServerHandlerFilters.RequireDegradedModeDisabled>()
            .AddFilter<OpenIddictServerHandlerFilters.RequireTokenStorageEnabled>()
            .UseScopedHandler<SelfContainedRefreshTokens>()
            .SetOrder(OpenIddictServerHandlers.Protection.ValidateReferenceTokenIdentifier.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateTokenContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return !context.Options.UseReferenceRefreshTokens
            && context.ValidTokenTypes.Count == 1 && context.ValidTokenTypes.Contains(TokenTypeHints.RefreshToken)
            ? ValueTask.CompletedTask
            : _lookup.HandleAsync(context);
    }
}
