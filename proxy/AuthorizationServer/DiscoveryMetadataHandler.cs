using Facade.Proxy.Registration;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Facade.Proxy.AuthorizationServer;

/// <summary>
/// Adds what OpenIddict's discovery document lacks: the RFC 7591 registration endpoint, Client ID Metadata Document
/// support and the S256-only PKCE method list (plain is removed from the server options too).
/// </summary>
internal sealed class DiscoveryMetadataHandler(IOptions<RegistrationOptions> registration) : IOpenIddictServerHandler<HandleConfigurationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
            .UseSingletonHandler<DiscoveryMetadataHandler>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleConfigurationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var issuer = context.Issuer ?? context.BaseUri;
        if (issuer is not null)
        {
            context.Metadata["registration_endpoint"] = new Uri(issuer, "oauth/register").AbsoluteUri;
        }

        context.Metadata["client_id_metadata_document_supported"] = registration.Value.MetadataDocumentsEnabled;
        context.CodeChallengeMethods.Remove(OpenIddictConstants.CodeChallengeMethods.Plain);

        // Public clients (DCR with "none", metadata documents) authenticate with nothing but PKCE; private_key_jwt is
        // not offered because registered clients cannot supply keys.
        context.TokenEndpointAuthenticationMethods.Add("none");
        context.TokenEndpointAuthenticationMethods.Remove(OpenIddictConstants.ClientAuthenticationMethods.PrivateKeyJwt);
        context.RevocationEndpointAuthenticationMethods.Add("none");
        context.RevocationEndpointAuthenticationMethods.Remove(OpenIddictConstants.ClientAuthenticationMethods.PrivateKeyJwt);
        context.IntrospectionEndpointAuthenticationMethods.Remove(OpenIddictConstants.ClientAuthenticationMethods.PrivateKeyJwt);
        return ValueTask.CompletedTask;
    }
}
