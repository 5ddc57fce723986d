using System.Text.RegularExpressions;

namespace Facade.DeviceEdge.Agents;

/// <summary>
/// Agent ids are path segments, MQTT topic levels (<c>agents/{id}/inbox</c>) and part of the MQTT user name, so they
/// are <c>[A-Za-z0-9_-]{1,64}</c> (the API keys' rule). Call ids and skill names have rules of their own here too.
/// </summary>
internal static partial class AgentId
{
    public const string Rule = "1 to 64 letters, digits, '_' or '-'";

    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    /// <summary>A skill (tool) name: 1 to 64 letters, digits, '_', '-' or '.'.</summary>
    public static bool IsSkillName(string? name) => name is not null && SkillPattern().IsMatch(name);

    public const string SkillRule = "1 to 64 letters, digits, '_', '-' or '.'";

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex SkillPattern();
}
