using System.Text.RegularExpressions;

namespace Facade.DeviceEdge.Registry;

/// <summary>What a device's fields may hold; each check returns the problem in plain words, or null.</summary>
internal static partial class DeviceRules
{
    public const int MaxNameLength = 100;
    public const int MaxTypeLength = 64;
    public const int MaxTagLength = 64;
    public const int MaxTags = 20;
    public const int MaxFirmwareLength = 64;
    public const int MaxUserIdLength = 200;

    public static string? CheckName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "'name' is required."
        : name.Length > MaxNameLength || HasControl(name) ? $"'name' must be at most {MaxNameLength} characters without control characters."
        : null;

    public static string? CheckType(string? type) =>
        string.IsNullOrEmpty(type) ? "'type' is required."
        : !TypePattern().IsMatch(type) ? $"'type' must match [A-Za-z0-9][A-Za-z0-9._-]{{0,{MaxTypeLength - 1}}}."
        : null;

    public static string? CheckTags(IReadOnlyList<string?>? tags)
    {
        if (tags is null)
        {
            return null;
        }

        if (tags.Count > MaxTags)
        {
            return $"At most {MaxTags} tags.";
        }

        foreach (var tag in tags)
        {
            if (tag is null || !TagPattern().IsMatch(tag))
            {
                return $"Tag '{Printable(tag)}' must match [A-Za-z0-9][A-Za-z0-9._:=/-]{{0,{MaxTagLength - 1}}}.";
            }
        }

        return null;
    }

    public static string? CheckFirmware(string? firmware) =>
        firmware is not null && (firmware.Length > MaxFirmwareLength || HasControl(firmware))
            ? $"'firmwareVersion' must be at most {MaxFirmwareLength} characters without control characters."
            : null;

    /// <summary>User ids are the edge's <c>sub</c> values: printable ASCII without spaces.</summary>
    public static bool IsUserId(string? userId) => userId is not null && UserIdPattern().IsMatch(userId);

    /// <summary>Tags in a stable form: duplicates dropped, first occurrence kept.</summary>
    public static List<string> NormalizeTags(IEnumerable<string?>? tags) =>
        (tags ?? []).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    private static bool HasControl(string value) => value.Any(char.IsControl);

    private static string Printable(string? value) =>
        value is null ? "null" : new string(value.Take(MaxTagLength).Select(c => char.IsControl(c) ? '?' : c).ToArray());

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex TypePattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:=/-]{0,63}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex("^[\\x21-\\x7E]{1,200}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex UserIdPattern();
}
