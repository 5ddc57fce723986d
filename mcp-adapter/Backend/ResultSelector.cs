using System.Globalization;
using System.Text.Json;

namespace Facade.McpAdapter.Backend;

/// <summary>
/// Which part of a JSON response the tool returns: <c>$</c> (the whole body) or a dotted path such as
/// <c>data.items</c> (also written <c>$.data.items</c>); a numeric segment indexes an array (<c>items.0</c>).
/// </summary>
public sealed class ResultSelector
{
    private readonly string[] _segments;

    private ResultSelector(string text, string[] segments)
    {
        Text = text;
        _segments = segments;
    }

    public static ResultSelector Whole { get; } = new("$", []);

    public string Text { get; }

    public bool IsWhole => _segments.Length == 0;

    public override string ToString() => Text;

    public static bool TryParse(string? text, out ResultSelector? selector, out string error)
    {
        selector = null;
        error = string.Empty;
        if (text is null || text == "$")
        {
            selector = Whole;
            return true;
        }

        var path = text.StartsWith("$.", StringComparison.Ordinal) ? text[2..] : text;
        var segments = path.Split('.');
        if (path.Length == 0 || segments.Any(s => s.Length == 0 || s.Any(c => char.IsWhiteSpace(c) || c is '[' or ']' or '$' or '*')))
        {
            error = $"result '{text}' must be \"$\" or a dotted path such as \"data.items\"";
            return false;
        }

        selector = new ResultSelector(text, segments);
        return true;
    }

    /// <summary>Walks the path; false when a segment is missing.</summary>
    public bool TrySelect(JsonElement root, out JsonElement selected)
    {
        selected = root;
        foreach (var segment in _segments)
        {
            if (selected.ValueKind == JsonValueKind.Object && selected.TryGetProperty(segment, out var child))
            {
                selected = child;
            }
            else if (selected.ValueKind == JsonValueKind.Array
                && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && index < selected.GetArrayLength())
            {
                selected = selected[index];
            }
            else
            {
                return false;
            }
        }

        return true;
    }
}
