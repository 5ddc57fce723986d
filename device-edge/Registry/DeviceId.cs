using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Facade.DeviceEdge.Registry;

/// <summary>
/// Device ids become MQTT topic levels (<c>devices/{id}/…</c>), the MQTT user name and client id, so they are
/// restricted to <c>[a-z0-9][a-z0-9_-]{0,63}</c>: no <c>/ + # $</c>, no whitespace, no upper case.
/// </summary>
internal static partial class DeviceId
{
    public const int MaxLength = 64;

    /// <summary>Ids that would collide with literal routes under <c>/devices</c>.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal) { "summary", "commands", "telemetry", "audit" };

    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id) && !Reserved.Contains(id);

    /// <summary>A fresh id for a device created without one: <c>dev-</c> and 16 hex digits.</summary>
    public static string New() => "dev-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public const string Rule = "[a-z0-9][a-z0-9_-]{0,63}, not 'summary', 'commands', 'telemetry' or 'audit'";

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
