namespace Facade.DeviceEdge.Agents;

/// <summary>
/// The scopes of the agent channel. <c>agents:serve</c> is defined here until common/Facade.Common/ScopeCatalog.cs
/// lists it (the API keys feature adds it there; only agent keys carry it).
/// </summary>
internal static class AgentScopes
{
    /// <summary>Callers of an agent's skills (the MCP adapter, with the caller's token).</summary>
    public const string Invoke = "agents:invoke";

    /// <summary>An agent's runtime: read its own inbox and reply.</summary>
    public const string Serve = "agents:serve";

    /// <summary>The claim binding a token to one agent (tokens minted from an agent key).</summary>
    public const string AgentIdClaim = "agent_id";
}
