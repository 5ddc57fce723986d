using Facade.McpAdapter.Catalog;

namespace Facade.McpAdapter.Backend;

/// <summary>Where a channel call goes: the agent whose runtime answers it, the skill it asks for, and how long the device edge waits.</summary>
public sealed record ChannelTarget(string AgentId, string Tool, int TimeoutSeconds)
{
    /// <summary>The device edge's wait when the catalog names none (README.md, "Agent channel": default 30, at most 120).</summary>
    public const int DefaultTimeoutSeconds = 30;

    public const int MaxTimeoutSeconds = 120;

    /// <summary><c>POST {backend}/agents/{agentId}/calls</c>, answering <paramref name="tool"/> on <paramref name="agentId"/>'s channel.</summary>
    public static BackendCall Call(BackendDefinition backend, string agentId, string tool, int timeoutSeconds)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (!UriTemplate.TryParsePath($"/agents/{Uri.EscapeDataString(agentId)}/calls", out var path, out var error))
        {
            throw new ArgumentException(error, nameof(agentId));
        }

        return new BackendCall
        {
            Backend = backend,
            Method = HttpMethod.Post,
            Path = path!,
            Body = BodyMapping.RemainingArguments,
            Channel = new ChannelTarget(agentId, tool, timeoutSeconds),
        };
    }

    /// <summary><c>GET {backend}/agents/{agentId}/skills</c>: what the agent's runtime announced.</summary>
    public static BackendCall Skills(BackendDefinition backend, string agentId)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (!UriTemplate.TryParsePath($"/agents/{Uri.EscapeDataString(agentId)}/skills", out var path, out var error))
        {
            throw new ArgumentException(error, nameof(agentId));
        }

        return new BackendCall { Backend = backend, Method = HttpMethod.Get, Path = path! };
    }
}
