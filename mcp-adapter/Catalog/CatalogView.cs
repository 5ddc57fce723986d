using System.Text.Json;

namespace Facade.McpAdapter.Catalog;

/// <summary>What one MCP server exposes: the default server (<c>/mcp</c>) or an agent's (<c>/agents/{id}/mcp</c>).</summary>
public sealed class CatalogView
{
    private static readonly JsonElement EmptyArguments = JsonDocument.Parse("{}").RootElement.Clone();

    private readonly Dictionary<string, ToolDefinition> _tools;
    private readonly Dictionary<string, PromptDefinition> _prompts;
    private readonly Dictionary<string, ResourceDefinition> _resources;

    public CatalogView(
        IReadOnlyList<ToolDefinition> tools,
        IReadOnlyList<ResourceDefinition> resources,
        IReadOnlyList<ResourceTemplateDefinition> resourceTemplates,
        IReadOnlyList<PromptDefinition> prompts)
    {
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentNullException.ThrowIfNull(resourceTemplates);
        ArgumentNullException.ThrowIfNull(prompts);
        Tools = tools;
        Resources = resources;
        ResourceTemplates = resourceTemplates;
        Prompts = prompts;
        _tools = tools.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _prompts = prompts.ToDictionary(p => p.Name, StringComparer.Ordinal);
        _resources = resources.ToDictionary(r => r.Uri, StringComparer.Ordinal);
    }

    public IReadOnlyList<ToolDefinition> Tools { get; }

    public IReadOnlyList<ResourceDefinition> Resources { get; }

    public IReadOnlyList<ResourceTemplateDefinition> ResourceTemplates { get; }

    public IReadOnlyList<PromptDefinition> Prompts { get; }

    /// <summary>Set for an agent that also lists its runtime's announced skills; the catalog's own tools win on a name clash.</summary>
    public AnnouncedSkillsSource? AnnouncedSkills { get; init; }

    public bool TryGetTool(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ToolDefinition? tool) =>
        _tools.TryGetValue(name, out tool);

    public bool TryGetPrompt(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PromptDefinition? prompt) =>
        _prompts.TryGetValue(name, out prompt);

    /// <summary>Resolves a URI: a fixed resource first, then the templates in catalog order.</summary>
    public bool TryResolveResource(string uri, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ResourceMatch? match)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (_resources.TryGetValue(uri, out var resource))
        {
            match = new ResourceMatch
            {
                Uri = uri,
                Name = resource.Name,
                MimeType = resource.MimeType,
                Scopes = resource.Scopes,
                Call = resource.Call,
                Arguments = EmptyArguments,
                Resource = resource,
            };
            return true;
        }

        foreach (var template in ResourceTemplates)
        {
            if (template.UriTemplate.TryMatch(uri, out var values))
            {
                match = new ResourceMatch
                {
                    Uri = uri,
                    Name = template.Name,
                    MimeType = template.MimeType,
                    Scopes = template.Scopes,
                    Call = template.Call,
                    Arguments = JsonSerializer.SerializeToElement(values),
                    Template = template,
                };
                return true;
            }
        }

        match = null;
        return false;
    }
}
