using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Facade.Mocks.DeviceSimulator.Devices;

/// <summary>What a command asks the device to do, decided from its payload before anything changes.</summary>
internal abstract record CommandAction
{
    private CommandAction()
    {
    }

    public sealed record SetRelay(int Relay, bool On) : CommandAction;

    public sealed record SetInterval(int Seconds) : CommandAction;

    public sealed record Reboot : CommandAction;

    /// <summary>Not carried out: the device answers <c>{"status":"error","error":…}</c>.</summary>
    public sealed record Refuse(string Error) : CommandAction;
}

/// <summary>
/// The commands a simulated device understands (the edge sends <c>{"id","name","params","expiresAt"}</c>):
/// <c>set_relay {relay: 1..8, on: bool}</c> on devices with relays, <c>set_interval {seconds: 1..86400}</c>,
/// <c>reboot {}</c>. Anything else is an <c>unknown command</c>.
/// </summary>
internal static class DeviceCommands
{
    public const int MaxRelay = 8;
    public const int MaxIntervalSeconds = 86400;

    public static CommandAction Decide(ReadOnlySpan<byte> payload, int relays, DateTimeOffset now)
    {
        JsonObject? command;
        try
        {
            command = JsonNode.Parse(payload) as JsonObject;
        }
        catch (JsonException)
        {
            command = null;
        }

        if (command is null || command["name"] is not JsonValue name || !name.TryGetValue<string>(out var commandName))
        {
            return new CommandAction.Refuse("invalid command: expected a JSON object with a name");
        }

        if (command["expiresAt"] is JsonValue expires && expires.TryGetValue<string>(out var expiresAt)
            && DateTimeOffset.TryParse(expiresAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expiry) && expiry <= now)
        {
            return new CommandAction.Refuse("command expired");
        }

        var parameters = command["params"];
        if (parameters is not (null or JsonObject))
        {
            return new CommandAction.Refuse("params must be an object");
        }

        var named = (JsonObject?)parameters ?? [];
        return commandName switch
        {
            "set_relay" when relays > 0 => SetRelay(named, relays),
            "set_interval" => WholeNumber(named["seconds"], 1, MaxIntervalSeconds) is { } seconds
                ? new CommandAction.SetInterval(seconds)
                : new CommandAction.Refuse($"params.seconds must be a whole number from 1 to {MaxIntervalSeconds}"),
            "reboot" => new CommandAction.Reboot(),
            _ => new CommandAction.Refuse("unknown command"),
        };
    }

    /// <summary>A whole number within bounds (JSON 3 or 3.0), else null.</summary>
    public static int? WholeNumber(JsonNode? node, int min, int max) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var number)
            && number == Math.Floor(number) && number >= min && number <= max
            ? (int)number
            : null;

    private static CommandAction SetRelay(JsonObject parameters, int relays)
    {
        if (WholeNumber(parameters["relay"], 1, MaxRelay) is not { } relay)
        {
            return new CommandAction.Refuse($"params.relay must be a whole number from 1 to {MaxRelay}");
        }

        if (parameters["on"] is not JsonValue on || on.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            return new CommandAction.Refuse("params.on must be true or false");
        }

        return relay > relays
            ? new CommandAction.Refuse($"relay {relay} does not exist: this device has relays 1 to {relays}")
            : new CommandAction.SetRelay(relay, on.GetValue<bool>());
    }
}
