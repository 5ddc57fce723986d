using System.Text.Json;
using System.Text.RegularExpressions;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// <c>agents.{id}</c>: <c>{ "title", "description", "tools", "resources", "prompts", "ownTools", "ownResources",
/// "ownResourceTemplates", "ownPrompts", "allowedUsers" }</c>. <c>tools</c>/<c>prompts</c> name catalog entries;
/// <c>resources</c> names catalog resources or templates by name or URI.
/// </summary>
internal static partial class AgentParser
{
    public static AgentDefinition? Parse(string id, JsonElement element, CatalogContext context, CatalogContent catalog)
    {
        var label = $"agents.{id}";
        var entry = new JsonEntry(element, label, context.Errors);
        if (!entry.IsObject)
        {
            return null;
        }

        var before = context.Errors.Count;
        if (!AgentId().IsMatch(id))
        {
            entry.Error("agent ids may only use letters, digits, '_' and '-' (1-64 characters); the id appears in /agents/{id}/mcp");
        }

        var title = entry.String("title");
        var description = entry.String("description", required: true);
        var allowedUsers = entry.Strings("allowedUsers", required: true);
        if (allowedUsers is { Count: 0 })
        {
            entry.Error("allowedUsers must list at least one username or subject, or \"*\" for every signed-in user");
        }

        var tools = new List<ToolDefinition>();
        var toolOrigins = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in entry.Strings("tools") ?? [])
        {
            if (!catalog.Tools.TryGetValue(name, out var tool))
            {
                entry.Error($"tools: unknown tool '{name}'");
            }
            else if (toolOrigins.TryAdd(name, "tools"))
            {
                tools.Add(tool);
            }
            else
            {
                entry.Error($"tools: '{name}' is listed twice");
            }
        }

        foreach (var (element2, index) in Items(entry, "ownTools"))
        {
            var toolLabel = CatalogErrors.Label($"{label}.ownTools", index, NameOf(element2));
            if (ToolParser.Parse(element2, toolLabel, context) is not { } own)
            {
                continue;
            }

            if (toolOrigins.TryGetValue(own.Name, out var origin))
            {
                context.Errors.Add(CatalogErrors.Label($"{label}.ownTools", index, null), $"duplicate name '{own.Name}' (already in {label}.{origin})");
            }
            else
            {
                toolOrigins[own.Name] = "ownTools";
                tools.Add(own);
            }
        }

        var resources = new List<ResourceDefinition>();
        var templates = new List<ResourceTemplateDefinition>();
        foreach (var reference in entry.Strings("resources") ?? [])
        {
            if (catalog.Resources.FirstOrDefault(r => r.Name == reference || r.Uri == reference) is { } resource)
            {
                AddOnce(entry, resources, resource, reference);
            }
            else if (catalog.Templates.FirstOrDefault(t => t.Name == reference || t.UriTemplate.Text == reference) is { } template)
            {
                AddOnce(entry, templates, template, reference);
            }
            else
            {
                entry.Error($"resources: unknown resource or resource template '{reference}'");
            }
        }

        foreach (var (item, index) in Items(entry, "ownResources"))
        {
            if (ResourceParser.ParseResource(item, CatalogErrors.Label($"{label}.ownResources", index, NameOf(item)), context) is { } own)
            {
                resources.Add(own);
            }
        }

        foreach (var (item, index) in Items(entry, "ownResourceTemplates"))
        {
            if (ResourceParser.ParseTemplate(item, CatalogErrors.Label($"{label}.ownResourceTemplates", index, NameOf(item)), context) is { } own)
            {
                templates.Add(own);
            }
        }

        var prompts = new List<PromptDefinition>();
        foreach (var name in entry.Strings("prompts") ?? [])
        {
            if (catalog.Prompts.FirstOrDefault(p => p.Name == name) is { } prompt)
            {
                AddOnce(entry, prompts, prompt, name);
            }
            else
            {
                entry.Error($"prompts: unknown prompt '{name}'");
            }
        }

        foreach (var (item, index) in Items(entry, "ownPrompts"))
        {
            if (PromptParser.Parse(item, CatalogErrors.Label($"{label}.ownPrompts", index, NameOf(item)), context) is { } own)
            {
                prompts.Add(own);
            }
        }

        CatalogLoader.ReportDuplicates(context.Errors, label, "resource URI", resources.Select(r => r.Uri));
        CatalogLoader.ReportDuplicates(context.Errors, label, "resource name", resources.Select(r => r.Name).Concat(templates.Select(t => t.Name)));
        CatalogLoader.ReportDuplicates(context.Errors, label, "prompt name", prompts.Select(p => p.Name));
        entry.ReportUnknown();
        if (context.Errors.Count > before)
        {
            return null;
        }

        return new AgentDefinition
        {
            Id = id,
            Title = title,
            Description = description!,
            AllowedUsers = allowedUsers!,
            View = new CatalogView(tools, resources, templates, prompts),
        };
    }

    private static void AddOnce<T>(JsonEntry entry, List<T> list, T item, string reference)
    {
        if (list.Contains(item))
        {
            entry.Error($"'{reference}' is listed twice");
        }
        else
        {
            list.Add(item);
        }
    }

    private static IEnumerable<(JsonElement Item, int Index)> Items(JsonEntry entry, string property)
    {
        if (entry.Element(property) is not { } array)
        {
            return [];
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            entry.Error($"{property} must be an array");
            return [];
        }

        return array.EnumerateArray().Select((item, index) => (item, index));
    }

    internal static string? NameOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex AgentId();
}

/// <summary>The catalog-level entries agents may reference.</summary>
internal sealed record CatalogContent(
    IReadOnlyDictionary<string, ToolDefinition> Tools,
    IReadOnlyList<ResourceDefinition> Resources,
    IReadOnlyList<ResourceTemplateDefinition> Templates,
    IReadOnlyList<PromptDefinition> Prompts);
