using System.Globalization;
using System.Text.Json;

namespace Facade.McpAdapter.Catalog;

/// <summary>RFC 6901 pointers over <see cref="JsonElement"/>, as text (<c>/properties/status</c>).</summary>
internal static class JsonPointerText
{
    public static IReadOnlyList<string> Segments(string pointer) =>
        pointer.Length == 0
            ? []
            : [.. pointer.TrimStart('/').Split('/').Select(s => Uri.UnescapeDataString(s).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];

    public static bool TryResolve(JsonElement root, string pointer, out JsonElement value)
    {
        value = root;
        foreach (var segment in Segments(pointer))
        {
            if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty(segment, out var child))
            {
                value = child;
            }
            else if (value.ValueKind == JsonValueKind.Array
                && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && index < value.GetArrayLength())
            {
                value = value[index];
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A pointer as a model-friendly argument path: <c>/tags/0/name</c> → <c>tags[0].name</c>.</summary>
    public static string ToDisplayPath(string pointer)
    {
        var result = string.Empty;
        foreach (var segment in Segments(pointer))
        {
            result += int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out _) && result.Length > 0
                ? $"[{segment}]"
                : result.Length == 0 ? segment : "." + segment;
        }

        return result;
    }
}
