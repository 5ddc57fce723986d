namespace Facade.McpAdapter.Catalog;

/// <summary>An agent's own MCP server: a subset of the catalog plus its own tools, resources and prompts.</summary>
public sealed class AgentDefinition
{
    /// <summary>The key under <c>agents</c>, used in <c>/agents/{id}/mcp</c>; matches <c>^[a-zA-Z0-9_-]{1,64}$</c>.</summary>
    public required string Id { get; init; }

    public string? Title { get; init; }

    public required string Description { get; init; }

    /// <summary>Usernames or subjects allowed to use the agent; <c>*</c> allows every signed-in user.</summary>
    public required IReadOnlyList<string> AllowedUsers { get; init; }

    public required CatalogView View { get; init; }

    /// <summary>True when <c>*</c> is listed or the subject or username matches (ordinal, as configured).</summary>
    public bool AllowsUser(string? subject, string? username = null) =>
        AllowedUsers.Any(u => u == "*"
            || (!string.IsNullOrEmpty(subject) && string.Equals(u, subject, StringComparison.Ordinal))
            || (!string.IsNullOrEmpty(username) && string.Equals(u, username, StringComparison.Ordinal)));

    public override string ToString() => Id;
}
