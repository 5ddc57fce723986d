using System.Diagnostics.CodeAnalysis;
using Facade.McpAdapter.Backend;

namespace Facade.McpAdapter.Catalog;

/// <summary>The validated, immutable catalog: every tool, resource and prompt, the default server's view and the agents.</summary>
public sealed class ToolCatalog
{
    private readonly Dictionary<string, ToolDefinition> _tools;

    internal ToolCatalog(
        string source,
        IReadOnlyDictionary<string, BackendDefinition> backends,
        IReadOnlyList<ToolDefinition> tools,
        IReadOnlyList<ResourceDefinition> resources,
        IReadOnlyList<ResourceTemplateDefinition> resourceTemplates,
        IReadOnlyList<PromptDefinition> prompts,
        IReadOnlyDictionary<string, AgentDefinition> agents)
    {
        Source = source;
        Backends = backends;
        Tools = tools;
        Resources = resources;
        ResourceTemplates = resourceTemplates;
        Prompts = prompts;
        Agents = agents;
        _tools = tools.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Default = new CatalogView([.. tools.Where(t => t.InDefaultServer)], resources, resourceTemplates, prompts);
    }

    /// <summary>The catalog file it was loaded from.</summary>
    public string Source { get; }

    public IReadOnlyDictionary<string, BackendDefinition> Backends { get; }

    /// <summary>Every catalog-level tool, including OpenAPI imports (agents' own tools are in their views only).</summary>
    public IReadOnlyList<ToolDefinition> Tools { get; }

    public IReadOnlyList<ResourceDefinition> Resources { get; }

    public IReadOnlyList<ResourceTemplateDefinition> ResourceTemplates { get; }

    public IReadOnlyList<PromptDefinition> Prompts { get; }

    /// <summary>The default MCP server (<c>/mcp</c>): tools with <see cref="ToolDefinition.InDefaultServer"/>, every resource and prompt.</summary>
    public CatalogView Default { get; }

    /// <summary>Agents by id (ordinal).</summary>
    public IReadOnlyDictionary<string, AgentDefinition> Agents { get; }

    public bool TryGetTool(string name, [NotNullWhen(true)] out ToolDefinition? tool) => _tools.TryGetValue(name, out tool);

    public bool TryGetAgent(string id, [NotNullWhen(true)] out AgentDefinition? agent) => Agents.TryGetValue(id, out agent);
}
