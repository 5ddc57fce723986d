using System.Text;
using System.Text.Json;
using Facade.McpAdapter.Catalog.Format;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Facade.McpAdapter.Catalog.OpenApi;

/// <summary>
/// <c>openapi[i]</c> (shape checked by <c>catalog.schema.json</c>, <c>$defs/openapiImport</c>): <c>{ "document":
/// "legacy-openapi.json", "backend": "legacy", "namePrefix": "legacy_", "inDefaultServer": false, "include": [operationIds],
/// "exclude": [operationIds] }</c>. Every operation of the OpenAPI 3 document (JSON or YAML, path relative to the catalog file) becomes a tool entry
/// that goes through exactly the same validation as a hand-written one.
/// </summary>
internal static class OpenApiImporter
{
    public static IReadOnlyList<(ToolDefinition Tool, string Label)> Import(OpenApiImportSpec spec, int index, CatalogContext context)
    {
        var label = CatalogErrors.Label("openapi", index, spec.Document);
        var before = context.Errors.Count;
        if (spec.Backend is { } backend && !context.Backends.ContainsKey(backend) && !context.BrokenBackends.Contains(backend))
        {
            context.Errors.Add(label, $"backend '{backend}' is not a known backend (known: {(context.Backends.Count == 0 ? "none" : string.Join(", ", context.Backends.Keys))})");
        }

        if (context.Errors.Count > before || spec.Document is null)
        {
            return [];
        }

        var document = Read(label, context.Errors, Path.GetFullPath(spec.Document, context.BaseDirectory));
        if (document is null)
        {
            return [];
        }

        var operations = Operations(document).ToList();
        var include = spec.Include?.OfType<string>().ToList();
        var exclude = spec.Exclude?.OfType<string>().ToList() ?? [];
        foreach (var name in (include ?? []).Concat(exclude).Where(n => !operations.Any(o => o.Matches(n))))
        {
            context.Errors.Add(label, $"{(include?.Contains(name) == true ? "include" : "exclude")}: '{name}' is not an operationId in the document");
        }

        var converter = new OpenApiSchemaConverter(document);
        var result = new List<(ToolDefinition, string)>();
        foreach (var operation in operations.Where(o => (include is null || include.Any(o.Matches)) && !exclude.Any(o.Matches)))
        {
            var operationLabel = $"{label} {operation.Method.Method} {operation.Path} ({operation.OperationId ?? "no operationId: " + operation.BaseName})";
            if (OperationMapper.ToToolEntry(operation, document, converter, spec.NamePrefix ?? string.Empty, spec.Backend, operationLabel, context.Errors) is not { } entry)
            {
                continue;
            }

            // A generated entry meets the same rules as a hand-written one (a valid tool name, above all).
            var element = JsonSerializer.SerializeToElement(entry);
            var errorsBefore = context.Errors.Count;
            CatalogSchema.ValidateTool(element, operationLabel, context.Errors);
            if (context.Errors.Count == errorsBefore
                && EntryConverters.TryDeserialize<ToolSpec>(element, CatalogFile.SerializerOptions) is { } toolSpec
                && ToolParser.Parse(toolSpec, operationLabel, context, spec.InDefaultServer ?? true) is { } tool)
            {
                result.Add((tool, operationLabel));
            }
        }

        return result;
    }

    private static OpenApiDocument? Read(string label, CatalogErrors errors, string path)
    {
        if (!File.Exists(path))
        {
            errors.Add(label, $"document '{path}' does not exist (paths are relative to the catalog file)");
            return null;
        }

        var extension = Path.GetExtension(path).ToLowerInvariant();
        var format = extension switch
        {
            ".yaml" or ".yml" => "yaml",
            ".json" => "json",
            _ => null,
        };
        var settings = new OpenApiReaderSettings { LoadExternalRefs = false };
        settings.AddYamlReader();

        ReadResult result;
        try
        {
            using var stream = new MemoryStream(File.ReadAllBytes(path));
            result = OpenApiDocument.Load(stream, format, settings);
        }
        catch (Exception ex) when (ex is OpenApiException or InvalidOperationException or ArgumentException or IOException or FormatException)
        {
            errors.Add(label, $"document could not be read: {ex.Message}");
            return null;
        }

        foreach (var error in result.Diagnostic?.Errors ?? [])
        {
            errors.Add(label, string.IsNullOrEmpty(error.Pointer) ? $"document: {error.Message}" : $"document {error.Pointer}: {error.Message}");
        }

        if (result.Document is null || result.Diagnostic?.Errors.Count > 0)
        {
            if (result.Document is null && result.Diagnostic?.Errors.Count is null or 0)
            {
                errors.Add(label, "document is not an OpenAPI document");
            }

            return null;
        }

        if (result.Diagnostic?.SpecificationVersion is OpenApiSpecVersion.OpenApi2_0)
        {
            errors.Add(label, "document is Swagger/OpenAPI 2.0; only OpenAPI 3.x is supported");
            return null;
        }

        return result.Document;
    }

    private static IEnumerable<OperationInfo> Operations(OpenApiDocument document)
    {
        foreach (var (path, item) in document.Paths ?? [])
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                yield return new OperationInfo(path, method, operation, item.Parameters ?? [], GeneratedName(method, path));
            }
        }
    }

    /// <summary>For an operation without an operationId: <c>GET /api/tasks/{id}</c> → <c>get_api_tasks_id</c>.</summary>
    internal static string GeneratedName(HttpMethod method, string path)
    {
        var builder = new StringBuilder(method.Method.ToLowerInvariant());
        foreach (var c in path)
        {
            var next = char.IsAsciiLetterOrDigit(c) ? c : '_';
            if (next != '_' || builder[^1] != '_')
            {
                builder.Append(next);
            }
        }

        return builder.ToString().TrimEnd('_');
    }
}

/// <summary>One operation and where it lives; <see cref="BaseName"/> is the operationId or the generated name.</summary>
internal sealed record OperationInfo(string Path, HttpMethod Method, OpenApiOperation Operation, IList<IOpenApiParameter> PathParameters, string GeneratedName)
{
    public string? OperationId => string.IsNullOrWhiteSpace(Operation.OperationId) ? null : Operation.OperationId;

    public string BaseName => OperationId ?? GeneratedName;

    public bool Matches(string name) => name == OperationId || name == GeneratedName;
}
