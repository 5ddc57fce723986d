using Facade.Proxy.Keys;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Facade.Proxy.AuthorizationServer;

/// <summary>
/// Chooses the credentials of each new token. OpenIddict prefers symmetric keys whenever one is registered; we want
/// them only for the tokens nobody but this server reads (refresh tokens, authorization codes), and the RS256
/// certificate for access and identity tokens, which resource servers check with the JWKS.
/// </summary>
internal sealed class TokenProtectionHandler(KeyRing keys) : IOpenIddictServerHandler<GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
        .UseSingletonHandler<TokenProtectionHandler>()
        .SetOrder(OpenIddictServerHandlers.Protection.AttachSecurityCredentials.Descriptor.Order + 500)
        .SetType(OpenIddictServerHandlerType.Custom)
        .Build();

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.TokenType is not (TokenTypeIdentifiers.RefreshToken or TokenTypeIdentifiers.Private.AuthorizationCode))
        {
            // Access and identity tokens: always the RS256 certificate, whatever OpenIddict would prefer.
            context.SigningCredentials = context.Options.SigningCredentials.First(credentials => credentials.Key is AsymmetricSecurityKey);
            return default;
        }

        var protection = keys.TokenProtection[0];
        context.SigningCredentials = protection.Signing;
        if (context.EncryptionCredentials is not null)
        {
            context.EncryptionCredentials = protection.Encryption;
        }

        return default;
    }
}
