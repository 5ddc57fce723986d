using System.Text.Json;
using Facade.McpAdapter.Backend;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// A concrete URI resolved against a server's resources: pass <see cref="Call"/> and <see cref="Arguments"/>
/// to <see cref="BackendInvoker.InvokeAsync"/> and return the text as <c>TextResourceContents</c> with <see cref="MimeType"/>.
/// </summary>
public sealed class ResourceMatch
{
    public required string Uri { get; init; }

    public required string Name { get; init; }

    public required string MimeType { get; init; }

    public required IReadOnlyList<string> Scopes { get; init; }

    public required BackendCall Call { get; init; }

    /// <summary>The template variables as a JSON object (<c>{"id":"task-1"}</c>); empty for a fixed resource.</summary>
    public required JsonElement Arguments { get; init; }

    /// <summary>Set when the URI is a fixed resource.</summary>
    public ResourceDefinition? Resource { get; init; }

    /// <summary>Set when the URI matched a template.</summary>
    public ResourceTemplateDefinition? Template { get; init; }
}
