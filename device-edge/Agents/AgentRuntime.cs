namespace Facade.DeviceEdge.Agents;

/// <summary>
/// One running instance of an agent's runtime as the hub sees it: an MQTT connection (<see cref="AgentSession"/>) or
/// the agent's REST form (one per agent: REST has no connection to lose). Calls handed to it and not answered fail at
/// once when it goes away or announces its skills again (it restarted). Its flags are the hub's, changed under the agent's lock.
/// </summary>
internal abstract class AgentRuntime(string agentId)
{
    public string AgentId { get; } = agentId;

    /// <summary>Connected (MQTT) — the REST runtime is never "connected", it is seen.</summary>
    internal bool Connected { get; set; }

    /// <summary>Subscribed to its inbox: calls are published to it as they come.</summary>
    internal bool Subscribed { get; set; }

    /// <summary>Announced its skills at least once on this connection: another announcement means it restarted.</summary>
    internal bool Announced { get; set; }

    /// <summary>Whether every skills announcement means a restart (REST: no connection marks a new instance).</summary>
    internal abstract bool EveryAnnouncementIsARestart { get; }
}

/// <summary>The REST form of an agent's runtime (<c>/channels/{id}/wait</c> and <c>/replies</c>).</summary>
internal sealed class RestAgentRuntime(string agentId) : AgentRuntime(agentId)
{
    internal override bool EveryAnnouncementIsARestart => true;
}
