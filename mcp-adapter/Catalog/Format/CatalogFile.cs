using System.Text.Json;
using System.Text.Json.Serialization;
using Facade.McpAdapter.Backend;

namespace Facade.McpAdapter.Catalog.Format;

// The catalog file as records (mcp-adapter/catalog/catalog.schema.json describes and checks its shape first).
// Every property is optional here: a missing or mistyped value has already been reported by the schema, and the
// cross-reference checks skip what is not there. An entry that does not deserialize at all becomes null.

internal sealed record CatalogFile
{
    [JsonConverter(typeof(EntryMapConverter<BackendSpec>))]
    public IReadOnlyDictionary<string, BackendSpec?> Backends { get; init; } = new Dictionary<string, BackendSpec?>();

    [JsonConverter(typeof(EntryListConverter<ToolSpec>))]
    public IReadOnlyList<ToolSpec?> Tools { get; init; } = [];

    [JsonConverter(typeof(EntryListConverter<OpenApiImportSpec>))]
    public IReadOnlyList<OpenApiImportSpec?> Openapi { get; init; } = [];

    [JsonConverter(typeof(EntryListConverter<ResourceSpec>))]
    public IReadOnlyList<ResourceSpec?> Resources { get; init; } = [];

    [JsonConverter(typeof(EntryListConverter<ResourceSpec>))]
    public IReadOnlyList<ResourceSpec?> ResourceTemplates { get; init; } = [];

    [JsonConverter(typeof(EntryListConverter<PromptSpec>))]
    public IReadOnlyList<PromptSpec?> Prompts { get; init; } = [];

    [JsonConverter(typeof(EntryMapConverter<AgentSpec>))]
    public IReadOnlyDictionary<string, AgentSpec?> Agents { get; init; } = new Dictionary<string, AgentSpec?>();

    public static JsonSerializerOptions SerializerOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };
}

/// <summary><c>backends.{name}</c>: a base URL string, or an object.</summary>
[JsonConverter(typeof(BackendSpecConverter))]
internal sealed record BackendSpec(string? BaseUrl, string? Title, double? TimeoutSeconds);

internal sealed record ToolSpec
{
    public string? Name { get; init; }

    public string? Title { get; init; }

    public string? Description { get; init; }

    public JsonElement? InputSchema { get; init; }

    public JsonElement? OutputSchema { get; init; }

    public IReadOnlyList<string>? Scopes { get; init; }

    public HintsSpec? Annotations { get; init; }

    public bool? InDefaultServer { get; init; }

    public CallSpec? Call { get; init; }
}

internal sealed record HintsSpec(bool? ReadOnlyHint, bool? DestructiveHint, bool? IdempotentHint, bool? OpenWorldHint);

internal sealed record CallSpec
{
    public string? Backend { get; init; }

    public string? Method { get; init; }

    public string? Path { get; init; }

    [JsonConverter(typeof(MappingsConverter))]
    public IReadOnlyList<ParameterMapping> Query { get; init; } = [];

    [JsonConverter(typeof(MappingsConverter))]
    public IReadOnlyList<ParameterMapping> Headers { get; init; } = [];

    /// <summary>Null when the catalog leaves it out (the default depends on the method).</summary>
    [JsonConverter(typeof(BodyConverter))]
    public BodyMapping? Body { get; init; }

    public string? Result { get; init; }

    /// <summary>A channel call: the agent whose runtime answers it.</summary>
    public string? Channel { get; init; }

    public double? TimeoutSeconds { get; init; }
}

/// <summary><c>resources[i]</c> (with <see cref="Uri"/>) and <c>resourceTemplates[i]</c> (with <see cref="UriTemplate"/>).</summary>
internal sealed record ResourceSpec
{
    public string? Uri { get; init; }

    public string? UriTemplate { get; init; }

    public string? Name { get; init; }

    public string? Title { get; init; }

    public string? Description { get; init; }

    public string? MimeType { get; init; }

    public IReadOnlyList<string>? Scopes { get; init; }

    public CallSpec? Call { get; init; }
}

internal sealed record PromptSpec
{
    public string? Name { get; init; }

    public string? Title { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<PromptArgumentSpec>? Arguments { get; init; }

    /// <summary>The template text; an array of lines is joined with newlines.</summary>
    [JsonConverter(typeof(LinesConverter))]
    public string? Template { get; init; }

    public IReadOnlyList<string>? Scopes { get; init; }
}

internal sealed record PromptArgumentSpec(string? Name, string? Title, string? Description, bool? Required);

internal sealed record OpenApiImportSpec
{
    public string? Document { get; init; }

    public string? Backend { get; init; }

    public string? NamePrefix { get; init; }

    public bool? InDefaultServer { get; init; }

    public IReadOnlyList<string>? Include { get; init; }

    public IReadOnlyList<string>? Exclude { get; init; }
}

internal sealed record AgentSpec
{
    public string? Title { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<string>? Tools { get; init; }

    public IReadOnlyList<string>? Resources { get; init; }

    public IReadOnlyList<string>? Prompts { get; init; }

    [JsonConverter(typeof(EntryListConverter<ToolSpec>))]
    public IReadOnlyList<ToolSpec?> OwnTools { get; init; } = [];

    [JsonConverter(typeof(EntryListConverter<ResourceSpec>))]
    public IReadOnlyList<ResourceSpec?> OwnResources { get; init; } = [];

    [JsonConverter(typeof(EntryListConverter<ResourceSpec>))]
    public IReadOnlyList<ResourceSpec?> OwnResourceTemplates { get; init; } = [];

    [JsonConverter(typeof(EntryListConverter<PromptSpec>))]
    public IReadOnlyList<PromptSpec?> OwnPrompts { get; init; } = [];

    public IReadOnlyList<string>? AllowedUsers { get; init; }

    public bool? AnnouncedSkills { get; init; }
}
