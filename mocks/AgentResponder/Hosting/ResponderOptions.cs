using System.ComponentModel.DataAnnotations;

namespace Facade.Mocks.AgentResponder.Hosting;

/// <summary>How the responder reaches its agent's channel.</summary>
internal enum ResponderTransport
{
    /// <summary>The device edge's MQTT broker: <c>agents/{id}/inbox</c> and <c>…/outbox</c>.</summary>
    Mqtt,

    /// <summary>The edge's REST form: <c>POST /channels/{id}/wait</c> and <c>/replies</c>, for runtimes without MQTT.</summary>
    Rest,
}

/// <summary>The <c>Responder</c> section: which agent it answers for, with which key, over which transport, how.</summary>
internal sealed class ResponderOptions
{
    public const string SectionName = "Responder";

    /// <summary>The environment variable that may carry the agent key instead of <see cref="KeyFile"/>.</summary>
    public const string KeyVariable = "AGENT_KEY";

    /// <summary>Command-line shorthands (<c>--agent research</c>) for the keys of this section.</summary>
    public static readonly IDictionary<string, string> Switches = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--agent"] = $"{SectionName}:{nameof(AgentId)}",
        ["--key-file"] = $"{SectionName}:{nameof(KeyFile)}",
        ["--transport"] = $"{SectionName}:{nameof(Transport)}",
        ["--mqtt-host"] = $"{SectionName}:{nameof(BrokerHost)}",
        ["--mqtt-port"] = $"{SectionName}:{nameof(BrokerPort)}",
        ["--edge"] = $"{SectionName}:{nameof(EdgeUrl)}",
        ["--delay-ms"] = $"{SectionName}:{nameof(DelayMs)}",
        ["--failure-rate"] = $"{SectionName}:{nameof(FailureRate)}",
        ["--health-port"] = $"{SectionName}:{nameof(HealthPort)}",
    };

    /// <summary>The agent this runtime answers for (<c>^[a-zA-Z0-9_-]{1,64}$</c>).</summary>
    [Required]
    [RegularExpression("^[a-zA-Z0-9_-]{1,64}$")]
    public string AgentId { get; set; } = "research";

    /// <summary>A file holding the agent key (<c>fk_a_…</c>; <c>./run.sh</c> writes data/agent-responder/key); used when <c>AGENT_KEY</c> is not set.</summary>
    public string? KeyFile { get; set; } = "data/agent-responder/key";

    /// <summary>The agent key itself (from <c>AGENT_KEY</c>); never logged.</summary>
    public string? Key { get; set; }

    public ResponderTransport Transport { get; set; } = ResponderTransport.Mqtt;

    [Required]
    public string BrokerHost { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int BrokerPort { get; set; } = 1883;

    /// <summary>The edge's public URL, for <see cref="ResponderTransport.Rest"/> (<c>/channels/{id}/…</c> is proxied to the device edge).</summary>
    [Required]
    public Uri EdgeUrl { get; set; } = new("http://127.0.0.1:5000/");

    /// <summary>How long the agent "thinks" before each answer.</summary>
    [Range(0, 600_000)]
    public int DelayMs { get; set; }

    /// <summary>Share of calls answered with an error, spread evenly and deterministically (0.25: every 4th call).</summary>
    [Range(0.0, 1.0)]
    public double FailureRate { get; set; }

    /// <summary>Most calls worked on at once; more wait their turn.</summary>
    [Range(1, 1024)]
    public int MaxConcurrentCalls { get; set; } = 64;

    /// <summary>First wait before reconnecting (or polling again after an error); doubles up to <see cref="MaxReconnectDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The REST long poll's <c>timeoutSeconds</c> (the device edge allows at most 25).</summary>
    [Range(1, 25)]
    public int WaitSeconds { get; set; } = 25;

    /// <summary>Port of the health endpoint on 127.0.0.1 (never another address); 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int HealthPort { get; set; } = 5050;
}
