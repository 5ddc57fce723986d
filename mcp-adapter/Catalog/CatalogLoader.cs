using System.Text.Json;
using Facade.McpAdapter.Catalog.OpenApi;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// Reads the catalog file, imports the OpenAPI documents it points at, validates everything and builds the
/// immutable <see cref="ToolCatalog"/>. Any problem: one <see cref="CatalogValidationException"/> listing all of them.
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
            var catalog = Build(document.RootElement, baseDirectory, source, backendOverrides, errors);
            if (errors.Count > 0 || catalog is null)
            {
                throw new CatalogValidationException(source, [.. errors.All]);
            }

            return catalog;
        }
    }

    private static ToolCatalog? Build(JsonElement rootElement, string baseDirectory, string source, IReadOnlyDictionary<string, string>? overrides, CatalogErrors errors)
    {
        var root = new JsonEntry(rootElement, "catalog", errors);
        if (!root.IsObject)
        {
            return null;
        }

        root.Allow("$schema", "description");
        var backends = BackendsSection.Read(root.Element("backends"), overrides, errors, out var brokenBackends);
        var context = new CatalogContext(errors, baseDirectory, backends, brokenBackends);

        var tools = new List<ToolDefinition>();
        var toolLabels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (item, index) in Section(root, "tools"))
        {
            var label = CatalogErrors.Label("tools", index, AgentParser.NameOf(item));
            AddTool(ToolParser.Parse(item, label, context), CatalogErrors.Label("tools", index, null), tools, toolLabels, errors);
        }

        foreach (var (item, index) in Section(root, "openapi"))
        {
            foreach (var (tool, label) in OpenApiImporter.Import(item, index, context))
            {
                AddTool(tool, label, tools, toolLabels, errors);
            }
        }

        var resources = Section(root, "resources")
            .Select(e => ResourceParser.ParseResource(e.Item, CatalogErrors.Label("resources", e.Index, AgentParser.NameOf(e.Item)), context))
            .OfType<ResourceDefinition>()
            .ToList();
        var templates = Section(root, "resourceTemplates")
            .Select(e => ResourceParser.ParseTemplate(e.Item, CatalogErrors.Label("resourceTemplates", e.Index, AgentParser.NameOf(e.Item)), context))
            .OfType<ResourceTemplateDefinition>()
            .ToList();
        var prompts = Section(root, "prompts")
            .Select(e => PromptParser.Parse(e.Item, CatalogErrors.Label("prompts", e.Index, AgentParser.NameOf(e.Item)), context))
            .OfType<PromptDefinition>()
            .ToList();

        ReportDuplicates(errors, "resources", "uri", resources.Select(r => r.Uri));
        ReportDuplicates(errors, "resourceTemplates", "uriTemplate", templates.Select(t => t.UriTemplate.Text));
        ReportDuplicates(errors, "resources/resourceTemplates", "name", resources.Select(r => r.Name).Concat(templates.Select(t => t.Name)));
        ReportDuplicates(errors, "prompts", "name", prompts.Select(p => p.Name));

        var content = new CatalogContent(tools.ToDictionary(t => t.Name, StringComparer.Ordinal), resources, templates, prompts);
        var agents = new Dictionary<string, AgentDefinition>(StringComparer.Ordinal);
        if (root.Element("agents") is { } agentSection)
        {
            if (agentSection.ValueKind != JsonValueKind.Object)
            {
                errors.Add("agents", "must be a JSON object of id → agent");
            }
            else
            {
                foreach (var property in agentSection.EnumerateObject())
                {
                    if (AgentParser.Parse(property.Name, property.Value, context, content) is { } agent)
                    {
                        agents[agent.Id] = agent;
                    }
                }
            }
        }

        root.ReportUnknown();
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

    private static IEnumerable<(JsonElement Item, int Index)> Section(JsonEntry root, string property)
    {
        if (root.Element(property) is not { } array)
        {
            return [];
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            root.Error($"{property} must be an array");
            return [];
        }

        return [.. array.EnumerateArray().Select((item, index) => (item, index))];
    }
}
