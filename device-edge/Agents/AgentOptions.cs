using System.ComponentModel.DataAnnotations;

namespace Facade.DeviceEdge.Agents;

/// <summary>The <c>DeviceEdge:Agents</c> section: the agent channel's limits and where agent keys are exchanged.</summary>
public sealed class AgentOptions
{
    public const string SectionName = "DeviceEdge:Agents";

    /// <summary>The longest <c>timeoutSeconds</c> of a call (the contract's bound).</summary>
    public const int MaxCallTimeoutSeconds = 120;

    /// <summary>The longest long-poll of <c>POST /channels/{id}/wait</c> (the contract's bound, under common proxy timeouts).</summary>
    public const int MaxWaitSeconds = 25;

    /// <summary>
    /// The edge's base URL, where an MQTT runtime's agent key is exchanged for an access token
    /// (<c>POST {EdgeUrl}oauth/key-token</c>); defaults to <c>DeviceEdge:Issuer</c>.
    /// </summary>
    public Uri? EdgeUrl { get; set; }

    /// <summary><c>timeoutSeconds</c> of a call that gives none.</summary>
    [Range(1, MaxCallTimeoutSeconds)]
    public int DefaultCallTimeoutSeconds { get; set; } = 30;

    /// <summary>Agents the channel keeps a record of (runtimes, skills, calls); a call naming one more agent is 429.</summary>
    [Range(1, 1_000_000)]
    public int MaxAgents { get; set; } = 10_000;

    /// <summary>Calls waiting per agent for a runtime to take them; one more is 429.</summary>
    [Range(1, 100_000)]
    public int MaxQueuedCalls { get; set; } = 100;

    /// <summary>Calls in flight per agent (queued or handed to a runtime); one more is 429.</summary>
    [Range(1, 100_000)]
    public int MaxCallsInFlight { get; set; } = 1000;

    /// <summary>Largest channel message: a call's body, a runtime's reply or skills (REST body or MQTT payload).</summary>
    [Range(1024, 4 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 256 * 1024;

    /// <summary>Skills one agent may announce.</summary>
    [Range(1, 1000)]
    public int MaxSkills { get; set; } = 100;

    /// <summary>How long a REST runtime counts as online after its last <c>wait</c> ended.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RestRuntimePresence { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the key exchange at the edge may take before the MQTT connection is refused (server unavailable).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan KeyExchangeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long before its access token expires an MQTT runtime that connected with a key gets a new one.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan TokenRenewalMargin { get; set; } = TimeSpan.FromSeconds(30);
}
