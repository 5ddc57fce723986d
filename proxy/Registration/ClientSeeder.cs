using Facade.Common;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Facade.Proxy.Registration;

/// <summary>Creates or updates the configured clients at start, so the store always matches configuration.</summary>
internal sealed partial class ClientSeeder(IServiceScopeFactory scopes, IOptions<SeededClientsOptions> options, ILogger<ClientSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        foreach (var client in options.Value.Clients)
        {
            var descriptor = Describe(client);
            if (await applications.FindByClientIdAsync(client.ClientId, cancellationToken) is { } existing)
            {
                await applications.UpdateAsync(existing, descriptor, cancellationToken);
            }
            else
            {
                await applications.CreateAsync(descriptor, cancellationToken);
            }

            LogSeeded(logger, client.ClientId);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static OpenIddictApplicationDescriptor Describe(SeededClient client)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = string.IsNullOrEmpty(client.ClientSecret) ? null : client.ClientSecret,
            ClientType = string.IsNullOrEmpty(client.ClientSecret) ? ClientTypes.Public : ClientTypes.Confidential,
            DisplayName = client.DisplayName ?? client.ClientId,
            ConsentType = client.FirstParty ? ConsentTypes.Implicit : ConsentTypes.Explicit,
        };
        if (client.Introspection)
        {
            descriptor.Permissions.Add(Permissions.Endpoints.Introspection);
        }

        if (client.RedirectUris.Count > 0)
        {
            descriptor.RedirectUris.UnionWith(client.RedirectUris);
            descriptor.Permissions.UnionWith([
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
            ]);
            descriptor.Permissions.UnionWith((client.Scopes.Count > 0 ? client.Scopes : ScopeCatalog.All).Select(s => Permissions.Prefixes.Scope + s));
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        }

        return descriptor;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Configured client {ClientId} is in the store")]
    private static partial void LogSeeded(ILogger logger, string clientId);
}
