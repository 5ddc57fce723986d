using Facade.McpAdapter.Catalog;

namespace Facade.McpAdapter.Tests.Catalog;

/// <summary>Finds the shipped catalog and writes throw-away catalogs and OpenAPI documents to a temp folder.</summary>
internal sealed class CatalogTestFiles : IDisposable
{
    public CatalogTestFiles()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "facade-catalog-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>The shipped <c>mcp-adapter/catalog</c> folder (copied to the output, or found in the source tree).</summary>
    public static string ShippedCatalogDirectory
    {
        get
        {
            var copied = System.IO.Path.Combine(AppContext.BaseDirectory, "catalog");
            if (File.Exists(System.IO.Path.Combine(copied, "catalog.json")))
            {
                return copied;
            }

            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                var candidate = System.IO.Path.Combine(folder.FullName, "mcp-adapter", "catalog");
                if (File.Exists(System.IO.Path.Combine(candidate, "catalog.json")))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException("mcp-adapter/catalog/catalog.json not found.");
        }
    }

    public static string ShippedCatalogPath => System.IO.Path.Combine(ShippedCatalogDirectory, "catalog.json");

    public static ToolCatalog LoadShipped(string? legacyUrl = null) =>
        CatalogLoader.Load(ShippedCatalogPath, legacyUrl is null ? null : new Dictionary<string, string> { ["legacy"] = legacyUrl });

    public string Write(string name, string content)
    {
        var path = System.IO.Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Parses catalog JSON with this folder as the base for imports.</summary>
    public ToolCatalog Parse(string json, IReadOnlyDictionary<string, string>? overrides = null) =>
        CatalogLoader.Parse(json, Directory, "test-catalog.json", overrides);

    /// <summary>The errors loading <paramref name="json"/> reports (fails the test if it loads).</summary>
    public IReadOnlyList<string> Errors(string json, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var exception = Assert.Throws<CatalogValidationException>(() => Parse(json, overrides));
        Assert.NotEmpty(exception.Errors);
        return exception.Errors;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans its temp folder eventually.
        }
    }
}
