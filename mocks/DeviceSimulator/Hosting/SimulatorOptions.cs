using System.ComponentModel.DataAnnotations;

namespace Facade.Mocks.DeviceSimulator.Hosting;

/// <summary>The <c>Simulator</c> section: where the devices connect, how they behave, where they are controlled.</summary>
internal sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    /// <summary>Command-line shorthands (<c>--credentials file</c>) for the keys of this section.</summary>
    public static readonly IDictionary<string, string> Switches = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--credentials"] = $"{SectionName}:{nameof(CredentialsFile)}",
        ["--mqtt-host"] = $"{SectionName}:{nameof(BrokerHost)}",
        ["--mqtt-port"] = $"{SectionName}:{nameof(BrokerPort)}",
        ["--interval"] = $"{SectionName}:{nameof(IntervalSeconds)}",
        ["--failure-rate"] = $"{SectionName}:{nameof(FailureRate)}",
        ["--ack-delay"] = $"{SectionName}:{nameof(AckDelay)}",
        ["--control-port"] = $"{SectionName}:{nameof(ControlPort)}",
        ["--seed"] = $"{SectionName}:{nameof(Seed)}",
    };

    /// <summary>
    /// The devices to simulate, with their secrets (<c>init</c> writes it); relative to the content root; <c>-</c> reads
    /// the same JSON from standard input.
    /// </summary>
    [Required]
    public string CredentialsFile { get; set; } = "data/simulator/credentials.json";

    [Required]
    public string BrokerHost { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int BrokerPort { get; set; } = 1883;

    /// <summary>Seconds between telemetry messages until a device is told otherwise (<c>set_interval</c>, desired shadow).</summary>
    [Range(1, 86400)]
    public int IntervalSeconds { get; set; } = 1;

    /// <summary>Share of commands answered with a simulated failure (0 none, 1 all).</summary>
    [Range(0.0, 1.0)]
    public double FailureRate { get; set; }

    /// <summary>How long a device "works" on a command before it acknowledges it.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan AckDelay { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>How long a device stays away after <c>reboot</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RebootDuration { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>First wait before reconnecting to a broker that went away or refused; doubles up to <see cref="MaxReconnectDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Port of the control endpoint on 127.0.0.1 (never another address); 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int ControlPort { get; set; } = 5040;

    /// <summary>
    /// Length of the simulated day (light, temperature and load follow it). A day, aligned with local time, by default;
    /// shorter for demos (e.g. <c>00:10:00</c>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan DayLength { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Seed of the values' randomness, for repeatable runs; random when absent.</summary>
    public int? Seed { get; set; }
}
