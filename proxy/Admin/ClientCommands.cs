using System.CommandLine;
using System.Text.Json;
using OpenIddict.Abstractions;

namespace Facade.Proxy.Admin;

/// <summary><c>clients list|revoke</c>: the OAuth clients (registered or seeded) and what they were granted.</summary>
internal static class ClientCommands
{
    public static Command Create(string[] args, TextWriter output)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON (for scripts)." };
        var list = new Command("list", "List OAuth clients: client id, name, type, redirect URIs.") { json };
        list.SetAction((result, ct) => AdminCommands.WithServicesAsync(args, services => ListAsync(services, result.GetValue(json), output, ct)));

        var clientId = new Argument<string>("client_id") { Description = "The client's client_id." };
        var revoke = new Command("revoke", "Revoke every authorization (grant) and token of a client; it can ask users again.") { clientId };
        revoke.SetAction((result, ct) => AdminCommands.WithServicesAsync(args, services => RevokeAsync(services, result.GetValue(clientId)!, output, ct)));

        return new Command("clients", "Manage OAuth clients.") { list, revoke };
    }

    private static async Task<int> ListAsync(IServiceProvider services, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        var applications = services.GetRequiredService<IOpenIddictApplicationManager>();
        var listed = new List<ClientListing>();
        await foreach (var application in applications.ListAsync(count: null, offset: null, cancellationToken))
        {
            listed.Add(new ClientListing(
                await applications.GetClientIdAsync(application, cancellationToken) ?? "",
                await applications.GetDisplayNameAsync(application, cancellationToken),
                await applications.GetClientTypeAsync(application, cancellationToken),
                [.. await applications.GetRedirectUrisAsync(application, cancellationToken)]));
        }

        listed.Sort((a, b) => string.CompareOrdinal(a.ClientId, b.ClientId));
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(listed.ToArray(), AdminJsonContext.Default.ClientListingArray));
            return 0;
        }

        foreach (var client in listed)
        {
            await output.WriteLineAsync($"{client.ClientId}\t{client.Name}\t{client.Type}\t{string.Join(' ', client.RedirectUris)}");
        }

        return 0;
    }

    private static async Task<int> RevokeAsync(IServiceProvider services, string clientId, TextWriter output, CancellationToken cancellationToken)
    {
        var applications = services.GetRequiredService<IOpenIddictApplicationManager>();
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not { } application)
        {
            await output.WriteLineAsync($"No client '{clientId}'.");
            return 2;
        }

        var id = (await applications.GetIdAsync(application, cancellationToken))!;
        var grants = await services.GetRequiredService<IOpenIddictAuthorizationManager>().RevokeByApplicationIdAsync(id, cancellationToken);

        // The ledger's token manager also revokes the client's access tokens in the ledger (LedgerTokenManager).
        var tokens = await services.GetRequiredService<IOpenIddictTokenManager>().RevokeByApplicationIdAsync(id, cancellationToken);
        await output.WriteLineAsync($"Client '{clientId}': {grants} authorization(s) and {tokens} token(s) revoked; the client stays registered and must ask users again.");
        return 0;
    }
}

/// <summary>A client as <c>clients list --json</c> prints it.</summary>
internal sealed record ClientListing(string ClientId, string? Name, string? Type, string[] RedirectUris);
