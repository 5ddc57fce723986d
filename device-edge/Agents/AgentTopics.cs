namespace Facade.DeviceEdge.Agents;

/// <summary>
/// An agent runtime on the MQTT broker: user name <c>agent:{agentId}</c>, client id <c>agent:{agentId}</c> or
/// <c>agent:{agentId}:{instance}</c>; it subscribes to <c>agents/{agentId}/inbox</c> and publishes to
/// <c>agents/{agentId}/outbox</c>, nothing else. No device id contains ':', so these names never collide with devices.
/// </summary>
internal static class AgentTopics
{
    public const string UserNamePrefix = "agent:";
    public const string TopicPrefix = "agents/";
    private const int MaxInstanceLength = 64;

    public static string Inbox(string agentId) => $"agents/{agentId}/inbox";

    public static string Outbox(string agentId) => $"agents/{agentId}/outbox";

    /// <summary>A user name (or client id) that claims to be an agent runtime, whether or not it is a valid one.</summary>
    public static bool IsAgentName(string? name) => name is not null && name.StartsWith(UserNamePrefix, StringComparison.Ordinal);

    /// <summary>The agent of a user name <c>agent:{agentId}</c>; null if the id is not valid.</summary>
    public static string? AgentOf(string? userName) =>
        IsAgentName(userName) && userName![UserNamePrefix.Length..] is var id && AgentId.IsValid(id) ? id : null;

    /// <summary><c>agent:{agentId}</c>, or <c>agent:{agentId}:{instance}</c> with 1 to 64 printable characters and no '/', '+' or '#'.</summary>
    public static bool IsClientIdOf(string agentId, string? clientId)
    {
        var exact = UserNamePrefix + agentId;
        if (clientId == exact)
        {
            return true;
        }

        if (clientId is null || !clientId.StartsWith(exact + ":", StringComparison.Ordinal))
        {
            return false;
        }

        var instance = clientId.AsSpan(exact.Length + 1);
        return instance.Length is > 0 and <= MaxInstanceLength && !instance.ContainsAny("/+#") && !instance.ContainsAnyInRange('\0', ' ');
    }
}
