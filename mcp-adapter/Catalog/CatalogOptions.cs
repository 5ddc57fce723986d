namespace Facade.McpAdapter.Catalog;

/// <summary>
/// <c>Adapter:Catalog</c>: where the declarative tool catalog lives. Backend base URLs come from the catalog file's
/// <c>backends</c> section; <c>Adapter:Backends:{name}</c> (a URL) overrides the file for that backend, or adds one.
/// </summary>
public sealed class CatalogOptions
{
    public const string SectionName = "Adapter:Catalog";

    /// <summary>Section holding <c>name → base URL</c> overrides, e.g. <c>Adapter:Backends:legacy = http://127.0.0.1:41234</c>.</summary>
    public const string BackendsSectionName = "Adapter:Backends";

    /// <summary>The catalog file; a relative path is resolved against the content root.</summary>
    public string Path { get; set; } = "catalog/catalog.json";

    /// <summary>Backend base URL overrides (filled from <see cref="BackendsSectionName"/>); they win over the catalog file.</summary>
    public Dictionary<string, string> Backends { get; set; } = new(StringComparer.Ordinal);
}
