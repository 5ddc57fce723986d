using System.Text;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// Prompt text with <c>{{name}}</c> placeholders and optional sections <c>{{#name}}…{{/name}}</c> that appear only
/// when the argument was given (non-empty). A placeholder for an absent argument renders as nothing.
/// </summary>
public sealed class PromptTemplate
{
    private readonly IReadOnlyList<Node> _nodes;

    private PromptTemplate(string text, IReadOnlyList<Node> nodes, IReadOnlySet<string> names)
    {
        Text = text;
        _nodes = nodes;
        ArgumentNames = names;
    }

    public string Text { get; }

    /// <summary>Every argument the template mentions.</summary>
    public IReadOnlySet<string> ArgumentNames { get; }

    internal static bool TryParse(string text, out PromptTemplate? template, out string error)
    {
        template = null;
        error = string.Empty;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var root = new List<Node>();
        var stack = new Stack<(string Name, List<Node> Children)>();
        var current = root;
        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf("{{", position, StringComparison.Ordinal);
            if (open < 0)
            {
                current.Add(new Node(NodeKind.Text, text[position..], []));
                break;
            }

            if (open > position)
            {
                current.Add(new Node(NodeKind.Text, text[position..open], []));
            }

            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                error = $"template has an unclosed '{{{{' at character {open}";
                return false;
            }

            var tag = text[(open + 2)..close].Trim();
            var kind = tag.StartsWith('#') ? NodeKind.Section : tag.StartsWith('/') ? NodeKind.End : NodeKind.Value;
            var name = kind == NodeKind.Value ? tag : tag[1..].Trim();
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                error = $"template has an invalid placeholder '{{{{{tag}}}}}'";
                return false;
            }

            names.Add(name);
            switch (kind)
            {
                case NodeKind.Value:
                    current.Add(new Node(NodeKind.Value, name, []));
                    break;
                case NodeKind.Section:
                    var children = new List<Node>();
                    current.Add(new Node(NodeKind.Section, name, children));
                    stack.Push((name, current));
                    current = children;
                    break;
                default:
                    if (stack.Count == 0 || stack.Peek().Name != name)
                    {
                        error = $"template closes section '{name}' that is not open";
                        return false;
                    }

                    current = stack.Pop().Children;
                    break;
            }

            position = close + 2;
        }

        if (stack.Count > 0)
        {
            error = $"template does not close section '{{{{#{stack.Peek().Name}}}}}'";
            return false;
        }

        template = new PromptTemplate(text, root, names);
        return true;
    }

    /// <summary>Renders with the given values; a missing or empty value hides its sections.</summary>
    public string Render(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var builder = new StringBuilder();
        Render(_nodes, values, builder);
        return builder.ToString();
    }

    private static void Render(IReadOnlyList<Node> nodes, IReadOnlyDictionary<string, string> values, StringBuilder builder)
    {
        foreach (var node in nodes)
        {
            switch (node.Kind)
            {
                case NodeKind.Text:
                    builder.Append(node.Value);
                    break;
                case NodeKind.Value:
                    builder.Append(values.TryGetValue(node.Value, out var value) ? value : string.Empty);
                    break;
                case NodeKind.Section when values.TryGetValue(node.Value, out var present) && !string.IsNullOrEmpty(present):
                    Render(node.Children, values, builder);
                    break;
            }
        }
    }

    private enum NodeKind
    {
        Text,
        Value,
        Section,
        End,
    }

    private sealed record Node(NodeKind Kind, string Value, List<Node> Children);
}
