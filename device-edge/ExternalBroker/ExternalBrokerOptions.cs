using System.ComponentModel.DataAnnotations;

namespace Facade.DeviceEdge.ExternalBroker;

/// <summary>
/// The <c>DeviceEdge:Mqtt:External</c> section: how the service reaches an external broker as its own MQTT client
/// (used when <c>DeviceEdge:Mqtt:Mode</c> is <c>External</c>, checked at start then).
/// </summary>
public sealed class ExternalBrokerOptions
{
    public const string SectionName = "DeviceEdge:Mqtt:External";

    /// <summary>Host name or IP address of the broker.</summary>
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>TLS to the broker (mosquitto's TLS listener, usually 8883).</summary>
    public bool UseTls { get; set; }

    /// <summary>PEM file of the CA that signed the broker's certificate, trusted instead of the system's roots.</summary>
    public string? CaCertificateFile { get; set; }

    /// <summary>The service's own account on the broker (never a device id: it contains a character ids cannot have).</summary>
    public string? UserName { get; set; }

    /// <summary>Its password. A secret: never logged, never in the generated files (only its hash is).</summary>
    public string? Password { get; set; }

    /// <summary>The client id of the service's session; the user name when empty.</summary>
    public string? ClientId { get; set; }

    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the broker keeps the service's session (subscriptions and the QoS 1 messages queued for it) while the
    /// service is away: messages devices publish meanwhile are delivered when it reconnects.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromDays(1);

    [Range(typeof(TimeSpan), "00:00:01", "00:02:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First wait before reconnecting; it doubles per failed attempt up to <see cref="ReconnectMaxDelay"/>, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Several workers on one broker: the name of the MQTT shared subscription group they consume telemetry and
    /// reported shadows through (<c>$share/{group}/…</c>), so each message is handled by exactly one of them. Statuses
    /// and command acknowledgements still reach every worker: each keeps its status board, and the worker whose request
    /// waits for a command hears its answer. Empty: one worker, plain subscriptions. Each worker needs its own ClientId.
    /// </summary>
    public string? SharedSubscriptionGroup { get; set; }

    public string EffectiveClientId => string.IsNullOrEmpty(ClientId) ? UserName ?? "" : ClientId;
}
