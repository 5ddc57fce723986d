namespace Facade.DeviceEdge.Agents;

/// <summary>The scopes of the agent channel (common/Facade.Common/ScopeCatalog.cs); only agent keys carry <c>agents:serve</c>.</summary>
internal static class AgentScopes
{
    /// <summary>Callers of an agent's skills (the MCP adapter, with the caller's token).</summary>
    public const string Invoke = Facade.Common.ScopeCatalog.AgentsInvoke;

    /// <summary>An agent's runtime: read its own inbox and reply.</summary>
    public const string Serve = Facade.Common.ScopeCatalog.AgentsServe;

    /// <summary>The claim binding a token to one agent (tokens minted from an agent key).</summary>
    public const string AgentIdClaim = Facade.Common.Tokens.FacadeClaims.AgentId;
}
