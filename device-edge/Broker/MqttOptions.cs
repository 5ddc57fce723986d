using System.ComponentModel.DataAnnotations;

namespace Facade.DeviceEdge.Broker;

/// <summary>The <c>DeviceEdge:Mqtt</c> section: which broker, the embedded broker's listener, and limits.</summary>
public sealed class MqttOptions
{
    public const string SectionName = "DeviceEdge:Mqtt";

    public BrokerMode Mode { get; set; } = BrokerMode.Embedded;

    /// <summary>IP address to listen on (<c>0.0.0.0</c> or <c>::</c> for every interface); loopback by default.</summary>
    [Required]
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (read it back from <see cref="MqttListener"/>).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>
    /// How long a new connection may take to send its CONNECT packet before it is closed (MQTTnet's own default, 100 s,
    /// lets idle sockets pile up); also MQTTnet's timeout for its other protocol exchanges.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:02:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Largest payload a device may publish; larger publishes are refused (QuotaExceeded) and logged. An external broker
    /// has accepted them already: the service drops them, logged (set mosquitto's <c>max_packet_size</c> to refuse them).
    /// </summary>
    [Range(1, 16 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Broker accounts for services that receive alert notifications (rules with an <c>mqtt</c> channel): they may only
    /// subscribe to topics under <c>alerts/</c>. None by default.
    /// </summary>
    public List<MqttAlertSubscriber> AlertSubscribers { get; set; } = [];
}

/// <summary>An alert subscriber account: user name (also its client id) and secret.</summary>
public sealed class MqttAlertSubscriber
{
    public const int MinimumSecretLength = 32;

    /// <summary><c>[A-Za-z0-9._:-]{1,64}</c> and not something a device id could be, e.g. <c>alerts.reader</c>.</summary>
    public string? Username { get; set; }

    /// <summary>At least 32 characters; from a secret store or an environment variable, not a checked-in file.</summary>
    public string? Secret { get; set; }
}
