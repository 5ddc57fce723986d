using System.Text;
using System.Text.RegularExpressions;

namespace Facade.McpAdapter.Backend;

/// <summary>
/// A backend path such as <c>/api/tasks/{id}</c>, optionally with a fixed query (<c>/api/tasks?status=open</c>).
/// Variables appear only in the path part; their values are URL-escaped as one segment when expanded.
/// </summary>
public sealed partial class PathTemplate
{
    private readonly IReadOnlyList<Part> _parts;

    private PathTemplate(string text, IReadOnlyList<Part> parts, string? fixedQuery)
    {
        Text = text;
        _parts = parts;
        FixedQuery = fixedQuery;
        Variables = [.. parts.Where(p => p.IsVariable).Select(p => p.Value)];
    }

    /// <summary>The template as written in the catalog.</summary>
    public string Text { get; }

    /// <summary>Variable names in order of appearance.</summary>
    public IReadOnlyList<string> Variables { get; }

    /// <summary>The literal query after <c>?</c>, or null.</summary>
    public string? FixedQuery { get; }

    public override string ToString() => Text;

    public static bool TryParse(string? text, out PathTemplate? template, out string error)
    {
        template = null;
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(text) || text[0] != '/')
        {
            error = $"path '{text}' must start with '/'";
            return false;
        }

        if (text.Contains('#', StringComparison.Ordinal) || text.Any(char.IsWhiteSpace))
        {
            error = $"path '{text}' must not contain '#' or whitespace";
            return false;
        }

        var queryStart = text.IndexOf('?', StringComparison.Ordinal);
        var path = queryStart < 0 ? text : text[..queryStart];
        var query = queryStart < 0 ? null : text[(queryStart + 1)..];
        if (query is not null && (query.Contains('{', StringComparison.Ordinal) || query.Contains('}', StringComparison.Ordinal)))
        {
            error = $"path '{text}': variables are only allowed before '?' (map query parameters with \"query\")";
            return false;
        }

        var parts = new List<Part>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var position = 0;
        while (position < path.Length)
        {
            var open = path.IndexOf('{', position);
            var close = path.IndexOf('}', position);
            if (close >= 0 && (open < 0 || close < open))
            {
                error = $"path '{text}' has a '}}' without a matching '{{'";
                return false;
            }

            if (open < 0)
            {
                parts.Add(new Part(false, path[position..]));
                break;
            }

            if (open > position)
            {
                parts.Add(new Part(false, path[position..open]));
            }

            if (close < 0)
            {
                error = $"path '{text}' has an unclosed '{{'";
                return false;
            }

            var name = path[(open + 1)..close];
            if (!VariableName().IsMatch(name))
            {
                error = $"path '{text}' has an invalid variable name '{{{name}}}'";
                return false;
            }

            if (!seen.Add(name))
            {
                error = $"path '{text}' uses variable {{{name}}} twice";
                return false;
            }

            parts.Add(new Part(true, name));
            position = close + 1;
        }

        template = new PathTemplate(text, parts, string.IsNullOrEmpty(query) ? null : query);
        return true;
    }

    /// <summary>Builds the path (and fixed query) with every variable's value escaped as a single segment.</summary>
    public string Expand(IReadOnlyDictionary<string, string> values)
    {
        var builder = new StringBuilder();
        foreach (var part in _parts)
        {
            builder.Append(part.IsVariable ? Uri.EscapeDataString(values[part.Value]) : part.Value);
        }

        if (FixedQuery is not null)
        {
            builder.Append('?').Append(FixedQuery);
        }

        return builder.ToString();
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.-]*$")]
    private static partial Regex VariableName();

    private sealed record Part(bool IsVariable, string Value);
}
