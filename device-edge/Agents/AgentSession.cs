namespace Facade.DeviceEdge.Agents;

/// <summary>
/// An agent runtime connected to the embedded broker: its client id, the token it is authenticated with now, and — if
/// it connected with an agent key — that key, in memory only, to get a new token before the current one expires.
/// </summary>
internal sealed class AgentSession(string agentId, string clientId, string? key, AgentToken token) : AgentRuntime(agentId), IDisposable
{
    public string ClientId { get; } = clientId;

    /// <summary>The agent key it connected with (never logged, never written anywhere); null when it sent a token.</summary>
    public string? Key { get; } = key;

    private AgentToken _token = token;

    public AgentToken Token
    {
        get => Volatile.Read(ref _token);
        set => Volatile.Write(ref _token, value);
    }

    /// <summary>Fires when the token needs renewing (key) or has expired (token only).</summary>
    public ITimer? Renewal { get; set; }

    internal override bool EveryAnnouncementIsARestart => false;

    public void Dispose() => Renewal?.Dispose();
}
