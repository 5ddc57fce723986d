using System.Text;
using System.Text.RegularExpressions;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// The RFC 6570 subset the catalog uses, for backend paths (<c>/api/tasks/{id}</c>) and resource URIs
/// (<c>facade://tasks/{id}</c>): literal text and simple <c>{name}</c> variables (level 1, no operators). A value is
/// percent-encoded as one segment when expanded, and a variable matches one non-empty segment (no <c>/</c>, <c>?</c>
/// or <c>#</c>), percent-decoded, when a URI is matched.
/// </summary>
public sealed partial class UriTemplate
{
    private readonly IReadOnlyList<Part> _parts;
    private readonly Lazy<Regex> _pattern;

    private UriTemplate(string text, IReadOnlyList<Part> parts)
    {
        Text = text;
        _parts = parts;
        Variables = [.. parts.Where(p => p.IsVariable).Select(p => p.Value)];
        var query = text.IndexOf('?', StringComparison.Ordinal);
        FixedQuery = query < 0 || query == text.Length - 1 ? null : text[(query + 1)..];
        _pattern = new Lazy<Regex>(() => new Regex(
            "^" + string.Concat(parts.Select(p => p.IsVariable ? $"(?<{GroupName(p.Value)}>[^/?#]+)" : Regex.Escape(p.Value))) + "$",
            RegexOptions.CultureInvariant,
            TimeSpan.FromSeconds(1)));
    }

    /// <summary>The template as written in the catalog.</summary>
    public string Text { get; }

    /// <summary>Variable names in order of appearance.</summary>
    public IReadOnlyList<string> Variables { get; }

    /// <summary>For a path: the literal query after <c>?</c> (<c>status=open</c>), or null.</summary>
    public string? FixedQuery { get; }

    public override string ToString() => Text;

    /// <summary>A backend path: starts with <c>/</c>; variables only before <c>?</c> (a fixed query may follow).</summary>
    public static bool TryParsePath(string? text, out UriTemplate? template, out string error)
    {
        template = null;
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

        if (text.IndexOf('?', StringComparison.Ordinal) is var query and >= 0 && text.IndexOfAny(['{', '}'], query) >= 0)
        {
            error = $"path '{text}': variables are only allowed before '?' (map query parameters with \"query\")";
            return false;
        }

        return TryParse(text, "path", out template, out error);
    }

    /// <summary>A resource template: an absolute URI with at least one variable (e.g. <c>facade://tasks/{id}</c>).</summary>
    public static bool TryParseResource(string? text, out UriTemplate? template, out string error)
    {
        template = null;
        if (string.IsNullOrWhiteSpace(text) || text.Any(char.IsWhiteSpace))
        {
            error = "uriTemplate is required and must not contain whitespace";
            return false;
        }

        if (!TryParse(text, "uriTemplate", out template, out error))
        {
            return false;
        }

        if (template!.Variables.Count == 0)
        {
            error = $"uriTemplate '{text}' has no {{variable}}; list it under \"resources\" instead";
            template = null;
            return false;
        }

        if (!Uri.TryCreate(template.Expand(template.Variables.ToDictionary(v => v, _ => "x")), UriKind.Absolute, out _))
        {
            error = $"uriTemplate '{text}' is not an absolute URI template (e.g. facade://tasks/{{id}})";
            template = null;
            return false;
        }

        return true;
    }

    /// <summary>Builds the text with every variable's value percent-encoded as a single segment.</summary>
    public string Expand(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var builder = new StringBuilder();
        foreach (var part in _parts)
        {
            builder.Append(part.IsVariable ? Uri.EscapeDataString(values[part.Value]) : part.Value);
        }

        return builder.ToString();
    }

    /// <summary>Matches a concrete URI and returns the decoded variable values.</summary>
    public bool TryMatch(string uri, out IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(uri);
        values = new Dictionary<string, string>(StringComparer.Ordinal);
        var match = _pattern.Value.Match(uri);
        if (!match.Success)
        {
            return false;
        }

        values = Variables.ToDictionary(v => v, v => Uri.UnescapeDataString(match.Groups[GroupName(v)].Value), StringComparer.Ordinal);
        return true;
    }

    private static bool TryParse(string text, string kind, out UriTemplate? template, out string error)
    {
        template = null;
        error = string.Empty;
        var parts = new List<Part>();
        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf('{', position);
            var close = text.IndexOf('}', position);
            if (close >= 0 && (open < 0 || close < open))
            {
                error = $"{kind} '{text}' has a '}}' without a matching '{{'";
                return false;
            }

            if (open < 0)
            {
                parts.Add(new Part(false, text[position..]));
                break;
            }

            if (close < 0)
            {
                error = $"{kind} '{text}' has an unclosed '{{'";
                return false;
            }

            if (open > position)
            {
                parts.Add(new Part(false, text[position..open]));
            }

            var name = text[(open + 1)..close];
            if (!VariableName().IsMatch(name))
            {
                error = $"{kind} '{text}' has an invalid variable name '{{{name}}}' (only simple variables such as {{id}} are supported)";
                return false;
            }

            if (parts.Any(p => p.IsVariable && p.Value == name))
            {
                error = $"{kind} '{text}' uses variable {{{name}}} twice";
                return false;
            }

            parts.Add(new Part(true, name));
            position = close + 1;
        }

        template = new UriTemplate(text, parts);
        return true;
    }

    /// <summary>Variable names may hold '.' and '-', which regex group names may not.</summary>
    private static string GroupName(string variable) => "v" + Convert.ToHexString(Encoding.UTF8.GetBytes(variable));

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.-]*$")]
    private static partial Regex VariableName();

    private sealed record Part(bool IsVariable, string Value);
}
