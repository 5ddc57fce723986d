using System.Text.Json;

namespace Facade.DeviceEdge.Commands;

/// <summary>A command as the REST API shows it (the contract's shape: every field present, null when not known yet).</summary>
internal sealed record CommandView(
    string Id,
    string DeviceId,
    string Name,
    JsonElement Params,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset ExpiresAt,
    JsonElement? Result,
    string? Error,
    RequestedByView RequestedBy)
{
    public static CommandView Of(DeviceCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return new CommandView(command.Id, command.DeviceId, command.Name, JsonElement.Parse(command.Params), CommandStatuses.Name(command.Status),
            command.CreatedAt, command.DeliveredAt, command.CompletedAt, command.ExpiresAt,
            command.Result is null ? null : JsonElement.Parse(command.Result), command.Error,
            new RequestedByView(command.Subject, command.ClientId));
    }
}

/// <summary>Who sent the command: the token's <c>sub</c> and <c>client_id</c>.</summary>
internal sealed record RequestedByView(string Subject, string? ClientId);

/// <summary>A page of commands, newest first; <see cref="Next"/> is the <c>after</c> of the next page.</summary>
internal sealed record CommandListView(IReadOnlyList<CommandView> Commands, string? Next);
