using Facade.McpAdapter.Backend;

namespace Facade.McpAdapter.Catalog;

/// <summary>A fixed resource (<c>resources/list</c>), read with a backend GET.</summary>
public sealed class ResourceDefinition
{
    public required string Uri { get; init; }

    public required string Name { get; init; }

    public string? Title { get; init; }

    public string? Description { get; init; }

    public required string MimeType { get; init; }

    /// <summary>Every one of these scopes is required to read it.</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    public required BackendCall Call { get; init; }

    public required string Source { get; init; }

    public override string ToString() => $"{Uri} ({Source})";
}

/// <summary>A resource template (<c>resources/templates/list</c>); its URI variables feed the backend call.</summary>
public sealed class ResourceTemplateDefinition
{
    public required UriTemplate UriTemplate { get; init; }

    public required string Name { get; init; }

    public string? Title { get; init; }

    public string? Description { get; init; }

    public required string MimeType { get; init; }

    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>Path variables and query arguments are the template's variables.</summary>
    public required BackendCall Call { get; init; }

    public required string Source { get; init; }

    public override string ToString() => $"{UriTemplate.Text} ({Source})";
}
