using System.Net;
using Facade.Common;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using Microsoft.AspNetCore;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Facade.Proxy.Registration;

/// <summary>
/// Before OpenIddict looks the client up, turns a metadata-document client_id into a registered public client
/// (created on first sight, refreshed whenever the document is fetched again), so the usual checks then apply.
/// </summary>
internal sealed class ClientMetadataDocumentHandler(ClientMetadataDocuments documents, IOpenIddictApplicationManager applications)
    : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseScopedHandler<ClientMetadataDocumentHandler>()
            .SetOrder(OpenIddictServerHandlers.Authentication.ValidateAuthentication.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var clientId = context.ClientId ?? context.Request.ClientId;
        if (!documents.IsDocumentUrl(clientId))
        {
            return;
        }

        var http = context.Transaction.GetHttpRequest()?.HttpContext;
        var result = await documents.GetAsync(clientId!, http?.Connection.RemoteIpAddress ?? IPAddress.None, context.CancellationToken);
        if (result.RetryAfter is { } retryAfter && http is not null)
        {
            await JsonErrors.WriteTooManyRequestsAsync(http, retryAfter, result.Error);
            context.HandleRequest();
            return;
        }

        if (result.Metadata is null)
        {
            context.Reject(OpenIddictConstants.Errors.InvalidClient, result.Error);
            return;
        }

        var existing = await applications.FindByClientIdAsync(clientId!, context.CancellationToken);
        if (existing is null)
        {
            try
            {
                await applications.CreateAsync(result.Metadata.ToDescriptor(clientId!, clientSecret: null), context.CancellationToken);
            }
            catch (Exception) when (!context.CancellationToken.IsCancellationRequested)
            {
                // A parallel first request may have registered the same document; theirs is as good as ours.
                if (await applications.FindByClientIdAsync(clientId!, context.CancellationToken) is null)
                {
                    throw;
                }
            }
        }
        else if (result.Fresh)
        {
            await applications.UpdateAsync(existing, result.Metadata.ToDescriptor(clientId!, clientSecret: null), context.CancellationToken);
        }
    }
}
