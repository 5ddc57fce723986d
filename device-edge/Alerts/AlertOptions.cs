using System.ComponentModel.DataAnnotations;

namespace Facade.DeviceEdge.Alerts;

/// <summary>The <c>DeviceEdge:Alerts</c> section: rule limits and how notifications are delivered.</summary>
public sealed class AlertOptions
{
    public const string SectionName = "DeviceEdge:Alerts";

    /// <summary>Rules one user may have; creating one more answers 409.</summary>
    [Range(1, 10_000)]
    public int MaxRulesPerUser { get; set; } = 100;

    /// <summary>
    /// Allow http:// webhook URLs and loopback or private addresses. Only for local testing: ignored outside
    /// Development, where webhooks must be https and must not point into the internal network.
    /// </summary>
    public bool AllowInsecureWebhooks { get; set; }

    /// <summary>How long one webhook attempt may take (connecting, sending, the answer's headers).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:02:00")]
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Delivery attempts per notification before it is given up (logged as a warning).</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after the first failed attempt; it doubles after each further one, up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Notifications delivered at the same time (each alert's own notifications always in order).</summary>
    [Range(1, 64)]
    public int MaxConcurrentDeliveries { get; set; } = 4;

    /// <summary>How long resolved alerts are kept; older ones are deleted.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan ResolvedRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The wait before attempt <paramref name="attempts"/> + 1, after <paramref name="attempts"/> failed ones.</summary>
    public TimeSpan RetryDelay(int attempts)
    {
        var doublings = Math.Clamp(attempts - 1, 0, 30);
        var delay = InitialRetryDelay.Ticks * Math.Pow(2, doublings);
        return delay >= MaxRetryDelay.Ticks ? MaxRetryDelay : TimeSpan.FromTicks((long)delay);
    }
}
