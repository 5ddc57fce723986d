using System.Text;
using System.Text.RegularExpressions;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// A level-1 RFC 6570 template such as <c>facade://tasks/{id}</c>: each <c>{name}</c> matches one non-empty
/// segment (no <c>/</c>, <c>?</c> or <c>#</c>) and is percent-decoded when matched.
/// </summary>
public sealed partial class UriTemplate
{
    private readonly Regex _pattern;

    private UriTemplate(string text, IReadOnlyList<string> variables, Regex pattern)
    {
        Text = text;
        Variables = variables;
        _pattern = pattern;
    }

    public string Text { get; }

    public IReadOnlyList<string> Variables { get; }

    public override string ToString() => Text;

    internal static bool TryParse(string? text, out UriTemplate? template, out string error)
    {
        template = null;
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(text) || text.Any(char.IsWhiteSpace))
        {
            error = "uriTemplate is required and must not contain whitespace";
            return false;
        }

        var variables = new List<string>();
        var regex = new StringBuilder("^");
        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf('{', position);
            var close = text.IndexOf('}', position);
            if (close >= 0 && (open < 0 || close < open))
            {
                error = $"uriTemplate '{text}' has a '}}' without a matching '{{'";
                return false;
            }

            if (open < 0)
            {
                regex.Append(Regex.Escape(text[position..]));
                break;
            }

            if (close < 0)
            {
                error = $"uriTemplate '{text}' has an unclosed '{{'";
                return false;
            }

            var name = text[(open + 1)..close];
            if (!VariableName().IsMatch(name))
            {
                error = $"uriTemplate '{text}' may only use simple variables such as {{id}}, not {{{name}}}";
                return false;
            }

            if (variables.Contains(name, StringComparer.Ordinal))
            {
                error = $"uriTemplate '{text}' uses {{{name}}} twice";
                return false;
            }

            regex.Append(Regex.Escape(text[position..open])).Append("(?<v").Append(variables.Count).Append(">[^/?#]+)");
            variables.Add(name);
            position = close + 1;
        }

        if (variables.Count == 0)
        {
            error = $"uriTemplate '{text}' has no {{variable}}; list it under \"resources\" instead";
            return false;
        }

        var sample = text;
        foreach (var variable in variables)
        {
            sample = sample.Replace("{" + variable + "}", "x", StringComparison.Ordinal);
        }

        if (!System.Uri.TryCreate(sample, UriKind.Absolute, out _))
        {
            error = $"uriTemplate '{text}' is not an absolute URI template (e.g. facade://tasks/{{id}})";
            return false;
        }

        regex.Append('$');
        template = new UriTemplate(text, variables, new Regex(regex.ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
        return true;
    }

    /// <summary>Matches a concrete URI and returns the decoded variable values.</summary>
    public bool TryMatch(string uri, out IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(uri);
        values = new Dictionary<string, string>(StringComparer.Ordinal);
        var match = _pattern.Match(uri);
        if (!match.Success)
        {
            return false;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < Variables.Count; i++)
        {
            result[Variables[i]] = Uri.UnescapeDataString(match.Groups["v" + i].Value);
        }

        values = result;
        return true;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();
}
