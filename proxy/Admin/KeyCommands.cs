using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Facade.Proxy.ApiKeys;
using Facade.Proxy.Data;
using Microsoft.AspNetCore.Identity;

namespace Facade.Proxy.Admin;

/// <summary>
/// <c>keys create|list|revoke</c>: API keys in the edge's database. Only <c>keys create --agent</c> may grant the
/// operator-only <c>agents:serve</c>. A running edge sees a revocation within <c>Facade:Ledger:RevocationCheckInterval</c>.
/// </summary>
internal static class KeyCommands
{
    public static Command Create(string[] args, TextWriter output)
    {
        var user = new Option<string>("--user") { Description = "The owner (user name); the key acts as this user.", Required = true };
        var agent = new Option<string?>("--agent") { Description = "Make an agent key bound to this agent id (sent as X-Agent-API-Key)." };
        var scopes = new Option<string>("--scopes") { Description = "Space-separated scopes, e.g. \"tasks:read agents:invoke\".", Required = true };
        var label = new Option<string?>("--label") { Description = "A name to recognise the key by." };
        var expires = new Option<string?>("--expires") { Description = "When the key stops working: an ISO 8601 instant or a duration such as 30d, 12h, 90m." };
        var create = new Command("create", "Create a key and print it (last line, alone): it is shown only once.") { user, agent, scopes, label, expires };
        create.SetAction((result, ct) => AdminCommands.WithServicesAsync(args, services => CreateAsync(services,
            result.GetValue(user)!, result.GetValue(agent), result.GetValue(scopes)!, result.GetValue(label), result.GetValue(expires), output, ct)));

        var listUser = new Option<string?>("--user") { Description = "Only this user's keys." };
        var json = new Option<bool>("--json") { Description = "Print JSON (for scripts)." };
        var list = new Command("list", "List keys (never the key itself): id, user, agent, label, scopes, state, last used.") { listUser, json };
        list.SetAction((result, ct) => AdminCommands.WithServicesAsync(args, services => ListAsync(services, result.GetValue(listUser), result.GetValue(json), output, ct)));

        var id = new Argument<string>("id") { Description = "The key id (key_…)." };
        var revoke = new Command("revoke", "Revoke a key and every token minted from it.") { id };
        revoke.SetAction((result, ct) => AdminCommands.WithServicesAsync(args, services => RevokeAsync(services, result.GetValue(id)!, output, ct)));

        return new Command("keys", "Manage API keys.") { create, list, revoke };
    }

    private static async Task<int> CreateAsync(IServiceProvider services, string userName, string? agentId, string scopes, string? label,
        string? expires, TextWriter output, CancellationToken cancellationToken)
    {
        if (await services.GetRequiredService<UserManager<FacadeUser>>().FindByNameAsync(userName) is not { } owner)
        {
            await output.WriteLineAsync($"No user '{userName}'.");
            return 2;
        }

        DateTimeOffset? expiresAt = null;
        if (expires is not null)
        {
            if (ParseExpiry(expires, services.GetRequiredService<TimeProvider>().GetUtcNow()) is not { } parsed)
            {
                await output.WriteLineAsync($"--expires '{expires}' is neither an ISO 8601 instant (2030-01-31T00:00:00Z) nor a duration (30d, 12h, 90m).");
                return 2;
            }

            expiresAt = parsed;
        }

        var store = services.GetRequiredService<ApiKeyStore>();
        var (created, key, refusal) = await store.CreateAsync(new NewApiKey(owner, label ?? "", scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            agentId, expiresAt, OperatorGrant: true), cancellationToken);
        if (refusal is not null)
        {
            await output.WriteLineAsync($"{refusal.Error}: {refusal.Description}");
            return 1;
        }

        await output.WriteLineAsync($"id: {created!.Id}");
        await output.WriteLineAsync($"user: {userName}");
        await output.WriteLineAsync($"kind: {(created.AgentId is null ? "user key (Authorization: Bearer)" : $"agent key for '{created.AgentId}' (X-Agent-API-Key)")}");
        await output.WriteLineAsync($"scopes: {created.Scopes}");
        await output.WriteLineAsync($"expires: {(created.ExpiresAt is { } at ? at.ToString("O", CultureInfo.InvariantCulture) : "never")}");
        await output.WriteLineAsync("The key is shown only now:");
        await output.WriteLineAsync(key);
        return 0;
    }

    private static async Task<int> ListAsync(IServiceProvider services, string? userName, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        var users = services.GetRequiredService<UserManager<FacadeUser>>();
        string? userId = null;
        if (userName is not null)
        {
            if (await users.FindByNameAsync(userName) is not { } owner)
            {
                await output.WriteLineAsync($"No user '{userName}'.");
                return 2;
            }

            userId = owner.Id;
        }

        var keys = await services.GetRequiredService<ApiKeyStore>().ListAsync(userId, cancellationToken);
        var names = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var ownerId in keys.Select(k => k.UserId).Distinct(StringComparer.Ordinal))
        {
            names[ownerId] = (await users.FindByIdAsync(ownerId))?.UserName;
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var listed = keys.Select(k => new KeyListing(k.Id, names[k.UserId], k.UserId, k.AgentId, k.Label, k.Scopes, State(k, now),
            k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.RevokedAt)).ToArray();
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(listed, AdminJsonContext.Default.KeyListingArray));
            return 0;
        }

        foreach (var key in listed)
        {
            var lastUsed = key.LastUsedAt is { } used ? used.ToString("O", CultureInfo.InvariantCulture) : "never used";
            await output.WriteLineAsync($"{key.Id}\t{key.User}\t{key.AgentId ?? "-"}\t{key.Label}\t{key.Scopes}\t{key.State}\t{lastUsed}");
        }

        return 0;
    }

    private static async Task<int> RevokeAsync(IServiceProvider services, string id, TextWriter output, CancellationToken cancellationToken)
    {
        var (key, wasLive, tokens) = await services.GetRequiredService<ApiKeyStore>().RevokeAsync(id, ownerId: null, cancellationToken);
        if (key is null)
        {
            await output.WriteLineAsync($"No key '{id}'.");
            return 2;
        }

        await output.WriteLineAsync(wasLive
            ? $"Key '{id}' revoked; {tokens} token(s) minted from it revoked."
            : $"Key '{id}' was already revoked; {tokens} token(s) minted from it revoked now.");
        return 0;
    }

    private static string State(ApiKey key, DateTimeOffset now) =>
        key.RevokedAt is not null ? "revoked" : key.ExpiresAt <= now ? "expired" : "live";

    /// <summary>An ISO 8601 instant, or a duration from now: <c>30d</c>, <c>12h</c>, <c>90m</c>.</summary>
    internal static DateTimeOffset? ParseExpiry(string value, DateTimeOffset now)
    {
        if (value.Length >= 2 && int.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            switch (value[^1])
            {
                case 'd': return now.AddDays(amount);
                case 'h': return now.AddHours(amount);
                case 'm': return now.AddMinutes(amount);
            }
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
    }
}

/// <summary>A key as <c>keys list --json</c> prints it.</summary>
internal sealed record KeyListing(string Id, string? User, string UserId, string? AgentId, string Label, string Scopes, string State,
    DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);
