using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Facade.DeviceEdge.Alerts;

/// <summary>Rule ids: <c>rule-</c> and 16 random hex digits. Anything else in a path is simply not found.</summary>
internal static partial class AlertRuleId
{
    public const int Length = 21;

    public static string New() => "rule-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex("^rule-[0-9a-f]{16}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>Size limits of a rule's fields.</summary>
internal static class AlertRuleLimits
{
    public const int MaxNameLength = 100;
    public const int MaxMetricLength = 64;
    public const int MaxUrlLength = 2048;
    public const int MaxSelectorDeviceIds = 100;
    public const int MaxSelectorTags = 20;
}
