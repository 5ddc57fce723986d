using Facade.McpAdapter.Backend;

namespace Facade.McpAdapter.Catalog;

/// <summary>What fixed resources and resource templates share: how they are described, guarded and read.</summary>
public abstract class ResourceEntry
{
    public required string Name { get; init; }

    public string? Title { get; init; }

    public string? Description { get; init; }

    public required string MimeType { get; init; }

    /// <summary>Every one of these scopes is required to read it.</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>The backend GET that reads it; for a template, path variables and query arguments are its variables.</summary>
    public required BackendCall Call { get; init; }

    public required string Source { get; init; }
}

/// <summary>A fixed resource (<c>resources/list</c>), read with a backend GET.</summary>
public sealed class ResourceDefinition : ResourceEntry
{
    public required string Uri { get; init; }

    public override string ToString() => $"{Uri} ({Source})";
}

/// <summary>A resource template (<c>resources/templates/list</c>); its URI variables feed the backend call.</summary>
public sealed class ResourceTemplateDefinition : ResourceEntry
{
    public required UriTemplate UriTemplate { get; init; }

    public override string ToString() => $"{UriTemplate.Text} ({Source})";
}
