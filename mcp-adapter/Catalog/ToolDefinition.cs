using System.Text.Json;
using Facade.McpAdapter.Backend;
using Json.Schema;

namespace Facade.McpAdapter.Catalog;

/// <summary>A validated tool: what MCP clients see (name, description, schemas, hints) and the backend call behind it.</summary>
public sealed class ToolDefinition
{
    /// <summary>Unique within its server; matches <c>^[a-zA-Z0-9_.-]{1,64}$</c>.</summary>
    public required string Name { get; init; }

    public string? Title { get; init; }

    public required string Description { get; init; }

    /// <summary>Always a JSON Schema (2020-12) object schema: <c>"type": "object"</c>.</summary>
    public required JsonElement InputSchema { get; init; }

    /// <summary>Optional object schema of <see cref="BackendResult.Structured"/>.</summary>
    public JsonElement? OutputSchema { get; init; }

    /// <summary>Every one of these scopes is required to list and call the tool.</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    public required ToolHints Annotations { get; init; }

    public required BackendCall Call { get; init; }

    /// <summary>Listed by the default MCP server (<c>/mcp</c>); false for tools only agents may reference.</summary>
    public bool InDefaultServer { get; init; } = true;

    /// <summary>Where the tool was defined, for diagnostics: <c>tools[2]</c>, <c>openapi[0] 'legacy-openapi.json' GET /api/tasks</c>…</summary>
    public required string Source { get; init; }

    internal JsonSchema CompiledInputSchema { get; init; } = null!;

    /// <summary>The required scopes not in <paramref name="grantedScopes"/>; empty when the caller may use the tool.</summary>
    public IReadOnlyList<string> MissingScopes(IEnumerable<string> grantedScopes)
    {
        ArgumentNullException.ThrowIfNull(grantedScopes);
        var granted = grantedScopes as IReadOnlySet<string> ?? new HashSet<string>(grantedScopes, StringComparer.Ordinal);
        return [.. Scopes.Where(s => !granted.Contains(s))];
    }

    public override string ToString() => $"{Name} ({Source})";
}

/// <summary>MCP tool annotations, resolved: explicit values from the catalog, otherwise inferred from the HTTP method.</summary>
public sealed record ToolHints(bool ReadOnly, bool Destructive, bool Idempotent, bool OpenWorld)
{
    /// <summary>GET/HEAD read; PUT and DELETE are idempotent; DELETE and PUT (a full replacement) are destructive.</summary>
    public static ToolHints Infer(HttpMethod method)
    {
        ArgumentNullException.ThrowIfNull(method);
        var readOnly = method == HttpMethod.Get || method == HttpMethod.Head;
        var idempotent = readOnly || method == HttpMethod.Put || method == HttpMethod.Delete;
        var destructive = method == HttpMethod.Delete || method == HttpMethod.Put;

        // Facade backends are a closed world (our own APIs), not the open web.
        return new ToolHints(readOnly, destructive, idempotent, OpenWorld: false);
    }
}
