using System.Text.Json;
using Facade.McpAdapter.Catalog.Format;
using Facade.McpAdapter.Catalog.OpenApi;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// Reads the catalog file, checks it against <c>catalog/catalog.schema.json</c>, reads it into records, imports the
/// OpenAPI documents it points at, checks the references between entries and builds the immutable <see cref="ToolCatalog"/>. Any problem: one <see cref="CatalogValidationException"/> listing all of them.
/// </summary>
public static class CatalogLoader
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Loads <paramref name="path"/>; <paramref name="backendOverrides"/> (name → base URL) win over the file's <c>backends</c>.</summary>
    public static ToolCatalog Load(string path, IReadOnlyDictionary<string, string>? backendOverrides = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new CatalogValidationException(fullPath, [$"{fullPath}: the catalog file does not exist (set {CatalogOptions.SectionName}:Path)"]);
        }

        return Parse(File.ReadAllText(fullPath), System.IO.Path.GetDirectoryName(fullPath)!, fullPath, backendOverrides);
    }

    /// <summary>Parses catalog JSON; imported documents are resolved against <paramref name="baseDirectory"/>.</summary>
    public static ToolCatalog Parse(string json, string baseDirectory, string source = "catalog.json", IReadOnlyDictionary<string, string>? backendOverrides = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(baseDirectory);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new CatalogValidationException(source, [$"{System.IO.Path.GetFileName(source)}: not valid JSON (line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1})"]);
        }

        using (document)
        {
            var errors = new CatalogErrors();
            CatalogSchema.Validate(document.RootElement, errors);
            var file = document.RootElement.ValueKind == JsonValueKind.Object
                ? EntryConverters.TryDeserialize<CatalogFile>(document.RootElement, CatalogFile.SerializerOptions)
                : null;
            var catalog = file is null ? null : Build(file, baseDirectory, source, backendOverrides, errors);
            if (errors.Count > 0 || catalog is null)
            {
                throw new CatalogValidationException(source, [.. errors.All]);
            }

            return catalog;
        }
    }

    /// <summary>The checks a schema cannot make: references between entries, names against names, known scopes.</summary>
    private static ToolCatalog? Build(CatalogFile file, string baseDirectory, string source, IReadOnlyDictionary<string, string>? overrides, CatalogErrors errors)
    {
        var backends = BackendsSection.Read(file.Backends, overrides, errors, out var brokenBackends);
        var context = new CatalogContext(errors, baseDirectory, backends, brokenBackends, new HashSet<string>(file.Agents.Keys, StringComparer.Ordinal));

        var tools = new List<ToolDefinition>();
        var toolLabels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (spec, index) in AgentParser.Own(file.Tools))
        {
            AddTool(ToolParser.Parse(spec, CatalogErrors.Label("tools", index, spec.Name), context), CatalogErrors.Label("tools", index, null), tools, toolLabels, errors);
        }

        foreach (var (spec, index) in AgentParser.Own(file.Openapi))
        {
            foreach (var (tool, label) in OpenApiImporter.Import(spec, index, context))
            {
                AddTool(tool, label, tools, toolLabels, errors);
            }
        }

        var resources = AgentParser.Own(file.Resources)
            .Select(e => ResourceParser.ParseResource(e.Spec, CatalogErrors.Label("resources", e.Index, e.Spec.Name), context))
            .OfType<ResourceDefinition>()
            .ToList();
        var templates = AgentParser.Own(file.ResourceTemplates)
            .Select(e => ResourceParser.ParseTemplate(e.Spec, CatalogErrors.Label("resourceTemplates", e.Index, e.Spec.Name), context))
            .OfType<ResourceTemplateDefinition>()
            .ToList();
        var prompts = AgentParser.Own(file.Prompts)
            .Select(e => PromptParser.Parse(e.Spec, CatalogErrors.Label("prompts", e.Index, e.Spec.Name), context))
            .OfType<PromptDefinition>()
            .ToList();

        ReportDuplicates(errors, "resources", "uri", resources.Select(r => r.Uri));
        ReportDuplicates(errors, "resourceTemplates", "uriTemplate", templates.Select(t => t.UriTemplate.Text));
        ReportDuplicates(errors, "resources/resourceTemplates", "name", resources.Select(r => r.Name).Concat(templates.Select(t => t.Name)));
        ReportDuplicates(errors, "prompts", "name", prompts.Select(p => p.Name));

        var content = new CatalogContent(tools.ToDictionary(t => t.Name, StringComparer.Ordinal), resources, templates, prompts);
        var agents = new Dictionary<string, AgentDefinition>(StringComparer.Ordinal);
        foreach (var (id, spec) in file.Agents)
        {
            if (spec is not null && AgentParser.Parse(id, spec, context, content) is { } agent)
            {
                agents[agent.Id] = agent;
            }
        }

        return errors.Count > 0 ? null : new ToolCatalog(source, backends, tools, resources, templates, prompts, agents);
    }

    private static void AddTool(ToolDefinition? tool, string label, List<ToolDefinition> tools, Dictionary<string, string> labels, CatalogErrors errors)
    {
        if (tool is null)
        {
            return;
        }

        if (labels.TryGetValue(tool.Name, out var first))
        {
            errors.Add(label, $"duplicate name '{tool.Name}' (already defined by {first})");
            return;
        }

        labels[tool.Name] = label;
        tools.Add(tool);
    }

    internal static void ReportDuplicates(CatalogErrors errors, string label, string what, IEnumerable<string> values)
    {
        foreach (var duplicate in values.GroupBy(v => v, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add(label, $"duplicate {what} '{duplicate.Key}'");
        }
    }
}
