namespace Facade.McpAdapter.Catalog;

/// <summary>A prompt (<c>prompts/list</c>, <c>prompts/get</c>): its template renders into one user message.</summary>
public sealed class PromptDefinition
{
    public required string Name { get; init; }

    public string? Title { get; init; }

    public required string Description { get; init; }

    public required IReadOnlyList<PromptArgumentDefinition> Arguments { get; init; }

    public required PromptTemplate Template { get; init; }

    /// <summary>Scopes the prompt's workflow needs (e.g. the tools it tells the model to call); may be empty.</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    public required string Source { get; init; }

    /// <summary>
    /// Renders the user message. Fails with a clear message when a required argument is missing or empty, or an
    /// argument is not declared. Empty optional values count as absent.
    /// </summary>
    public bool TryRender(IReadOnlyDictionary<string, string>? arguments, out string text, out string error)
    {
        text = string.Empty;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (name, value) in arguments ?? new Dictionary<string, string>())
        {
            if (!Arguments.Any(a => a.Name == name))
            {
                problems.Add($"'{name}' is not an argument of this prompt (known: {string.Join(", ", Arguments.Select(a => a.Name))})");
            }
            else if (!string.IsNullOrWhiteSpace(value))
            {
                values[name] = value.Trim();
            }
        }

        problems.AddRange(Arguments.Where(a => a.Required && !values.ContainsKey(a.Name)).Select(a => $"'{a.Name}' is required"));
        error = problems.Count == 0 ? string.Empty : $"Invalid arguments for prompt '{Name}': {string.Join("; ", problems)}.";
        if (problems.Count > 0)
        {
            return false;
        }

        text = Template.Render(values);
        return true;
    }

    public override string ToString() => $"{Name} ({Source})";
}

public sealed record PromptArgumentDefinition(string Name, string? Title, string? Description, bool Required);
