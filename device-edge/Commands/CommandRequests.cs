using System.Text.Json;
using System.Text.RegularExpressions;

namespace Facade.DeviceEdge.Commands;

/// <summary><c>POST /devices/{id}/commands</c>: <c>params</c> defaults to <c>{}</c>, <c>timeoutSeconds</c> to the configured default.</summary>
internal sealed partial record SendCommandRequest(string? Name, JsonElement? Params, int? TimeoutSeconds)
{
    public const string NameRule = "[a-z0-9_.-]{1,64}";

    public string? Check() =>
        string.IsNullOrEmpty(Name) ? "'name' is required."
        : !NamePattern().IsMatch(Name) ? $"'name' must match {NameRule}."
        : Params is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) } ? "'params' must be a JSON object."
        : TimeoutSeconds is < 1 or > CommandOptions.MaxTimeoutSeconds ? $"'timeoutSeconds' must be a whole number from 1 to {CommandOptions.MaxTimeoutSeconds}."
        : null;

    [GeneratedRegex("^[a-z0-9_.-]{1,64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
