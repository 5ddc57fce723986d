using Facade.McpAdapter.Backend;
using Facade.McpAdapter.Catalog.Format;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// <c>agents.{id}</c> (shape checked by <c>catalog.schema.json</c>, <c>$defs/agent</c>): <c>tools</c>/<c>prompts</c>
/// must name catalog entries, <c>resources</c> catalog resources or templates (by name or URI), each once; the
/// agent's own entries are parsed like catalog ones and may not clash with what it lists.
/// </summary>
internal static class AgentParser
{
    public static AgentDefinition? Parse(string id, AgentSpec spec, CatalogContext context, CatalogContent catalog)
    {
        var label = $"agents.{id}";
        var errors = context.Errors;
        var before = errors.Count;

        var tools = new List<ToolDefinition>();
        var toolOrigins = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in (spec.Tools ?? []).OfType<string>())
        {
            if (!catalog.Tools.TryGetValue(name, out var tool))
            {
                errors.Add(label, $"tools: unknown tool '{name}'");
            }
            else if (toolOrigins.TryAdd(name, "tools"))
            {
                tools.Add(tool);
            }
            else
            {
                errors.Add(label, $"tools: '{name}' is listed twice");
            }
        }

        foreach (var (own, index) in Own(spec.OwnTools))
        {
            if (ToolParser.Parse(own, CatalogErrors.Label($"{label}.ownTools", index, own.Name), context) is not { } tool)
            {
                continue;
            }

            if (toolOrigins.TryGetValue(tool.Name, out var origin))
            {
                errors.Add(CatalogErrors.Label($"{label}.ownTools", index, null), $"duplicate name '{tool.Name}' (already in {label}.{origin})");
            }
            else
            {
                toolOrigins[tool.Name] = "ownTools";
                tools.Add(tool);
            }
        }

        var resources = new List<ResourceDefinition>();
        var templates = new List<ResourceTemplateDefinition>();
        foreach (var reference in (spec.Resources ?? []).OfType<string>())
        {
            if (catalog.Resources.FirstOrDefault(r => r.Name == reference || r.Uri == reference) is { } resource)
            {
                AddOnce(errors, label, resources, resource, reference);
            }
            else if (catalog.Templates.FirstOrDefault(t => t.Name == reference || t.UriTemplate.Text == reference) is { } template)
            {
                AddOnce(errors, label, templates, template, reference);
            }
            else
            {
                errors.Add(label, $"resources: unknown resource or resource template '{reference}'");
            }
        }

        resources.AddRange(Own(spec.OwnResources)
            .Select(e => ResourceParser.ParseResource(e.Spec, CatalogErrors.Label($"{label}.ownResources", e.Index, e.Spec.Name), context))
            .OfType<ResourceDefinition>());
        templates.AddRange(Own(spec.OwnResourceTemplates)
            .Select(e => ResourceParser.ParseTemplate(e.Spec, CatalogErrors.Label($"{label}.ownResourceTemplates", e.Index, e.Spec.Name), context))
            .OfType<ResourceTemplateDefinition>());

        var prompts = new List<PromptDefinition>();
        foreach (var name in (spec.Prompts ?? []).OfType<string>())
        {
            if (catalog.Prompts.FirstOrDefault(p => p.Name == name) is { } prompt)
            {
                AddOnce(errors, label, prompts, prompt, name);
            }
            else
            {
                errors.Add(label, $"prompts: unknown prompt '{name}'");
            }
        }

        prompts.AddRange(Own(spec.OwnPrompts)
            .Select(e => PromptParser.Parse(e.Spec, CatalogErrors.Label($"{label}.ownPrompts", e.Index, e.Spec.Name), context))
            .OfType<PromptDefinition>());

        var announced = AnnouncedSkills(id, spec, tools, label, context);

        CatalogLoader.ReportDuplicates(errors, label, "resource URI", resources.Select(r => r.Uri));
        CatalogLoader.ReportDuplicates(errors, label, "resource name", resources.Select(r => r.Name).Concat(templates.Select(t => t.Name)));
        CatalogLoader.ReportDuplicates(errors, label, "prompt name", prompts.Select(p => p.Name));
        if (errors.Count > before || spec.Description is null || spec.AllowedUsers is not { Count: > 0 } users || users.Any(u => u is null))
        {
            return null;
        }

        return new AgentDefinition
        {
            Id = id,
            Title = spec.Title,
            Description = spec.Description,
            AllowedUsers = users,
            View = new CatalogView(tools, resources, templates, prompts) { AnnouncedSkills = announced },
        };
    }

    /// <summary>
    /// Listed when <c>announcedSkills</c> says so, or by default when one of the agent's own tools is answered on its
    /// own channel (then through that tool's backend and wait); otherwise through backend <c>agents</c>, checked here.
    /// </summary>
    private static AnnouncedSkillsSource? AnnouncedSkills(string id, AgentSpec spec, List<ToolDefinition> tools, string label, CatalogContext context)
    {
        var own = tools.FirstOrDefault(t => t.Call.Channel?.AgentId == id);
        if (spec.AnnouncedSkills == false || (spec.AnnouncedSkills is null && own is null))
        {
            return null;
        }

        if (own is not null)
        {
            return new AnnouncedSkillsSource(id, own.Call.Backend, own.Call.Channel!.TimeoutSeconds);
        }

        if (!context.TryResolveBackend(CallParser.DefaultChannelBackend, "announcedSkills: backend", label, out var backend))
        {
            return null;
        }

        if (backend.Timeout is not { } timeout || timeout.TotalSeconds <= ChannelTarget.DefaultTimeoutSeconds)
        {
            context.Errors.Add(label, $"announcedSkills: backend '{backend.Name}' needs a timeoutSeconds above {ChannelTarget.DefaultTimeoutSeconds} (the device edge's wait for an announced skill)");
            return null;
        }

        return new AnnouncedSkillsSource(id, backend, ChannelTarget.DefaultTimeoutSeconds);
    }

    private static void AddOnce<T>(CatalogErrors errors, string label, List<T> list, T item, string reference)
    {
        if (list.Contains(item))
        {
            errors.Add(label, $"'{reference}' is listed twice");
        }
        else
        {
            list.Add(item);
        }
    }

    /// <summary>The entries that deserialized, with their index (the schema reported the others).</summary>
    internal static IEnumerable<(T Spec, int Index)> Own<T>(IReadOnlyList<T?> entries)
        where T : class =>
        entries.Select((spec, index) => (spec, index)).Where(e => e.spec is not null).Select(e => (e.spec!, e.index));
}

/// <summary>The catalog-level entries agents may reference.</summary>
internal sealed record CatalogContent(
    IReadOnlyDictionary<string, ToolDefinition> Tools,
    IReadOnlyList<ResourceDefinition> Resources,
    IReadOnlyList<ResourceTemplateDefinition> Templates,
    IReadOnlyList<PromptDefinition> Prompts);
