namespace Facade.Common.Tokens;

/// <summary>The claims of Facade's access tokens beyond the standard ones (docs/architecture.md, "Tokens and their rules").</summary>
public static class FacadeClaims
{
    /// <summary>
    /// The agent a token is bound to: set on tokens the edge mints from an agent key. Every service confines such a token
    /// to that agent's endpoints (the edge's routes with that <c>{agentId}</c>, the adapter's <c>/agents/{id}/mcp</c>,
    /// the device edge's channel).
    /// </summary>
    public const string AgentId = "agent_id";
}
