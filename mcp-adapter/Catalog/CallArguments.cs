using System.Text.Json;

namespace Facade.McpAdapter.Catalog;

/// <summary>The arguments a backend call may use, and how messages name where they come from.</summary>
internal sealed class CallArguments
{
    private CallArguments(IReadOnlySet<string> available, IReadOnlySet<string> required, string source)
    {
        Available = available;
        Required = required;
        Source = source;
    }

    public IReadOnlySet<string> Available { get; }

    public IReadOnlySet<string> Required { get; }

    /// <summary>e.g. <c>inputSchema.properties</c>.</summary>
    public string Source { get; }

    /// <summary>Only GET without a body: resources are read-only.</summary>
    public bool ReadOnly { get; private init; }

    public static CallArguments FromSchema(JsonElement inputSchema)
    {
        var available = new HashSet<string>(StringComparer.Ordinal);
        var required = new HashSet<string>(StringComparer.Ordinal);
        if (inputSchema.ValueKind == JsonValueKind.Object)
        {
            if (inputSchema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
            {
                available.UnionWith(properties.EnumerateObject().Select(p => p.Name));
            }

            if (inputSchema.TryGetProperty("required", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                required.UnionWith(list.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!));
            }
        }

        return new CallArguments(available, required, "inputSchema.properties");
    }

    /// <summary>A template's variables are all present whenever the URI matches.</summary>
    public static CallArguments FromTemplate(UriTemplate? template) => new(
        new HashSet<string>(template?.Variables ?? [], StringComparer.Ordinal),
        new HashSet<string>(template?.Variables ?? [], StringComparer.Ordinal),
        template is null ? "the uriTemplate variables" : $"a variable of uriTemplate '{template.Text}'")
    {
        ReadOnly = true,
    };

    public static CallArguments None { get; } = new(new HashSet<string>(), new HashSet<string>(), "available (a fixed resource has no arguments)")
    {
        ReadOnly = true,
    };
}
