using System.ComponentModel.DataAnnotations;

namespace Facade.DeviceEdge.Commands;

/// <summary>The <c>DeviceEdge:Commands</c> section: limits of the commands API and how often expired commands are swept.</summary>
public sealed class CommandOptions
{
    public const string SectionName = "DeviceEdge:Commands";

    /// <summary>The longest <c>timeoutSeconds</c> a caller may ask for (the contract's bound, also the longest <c>?wait=true</c>).</summary>
    public const int MaxTimeoutSeconds = 300;

    /// <summary><c>timeoutSeconds</c> when the request gives none.</summary>
    [Range(1, MaxTimeoutSeconds)]
    public int DefaultTimeoutSeconds { get; set; } = 30;

    /// <summary>Largest <c>params</c> object (UTF-8 bytes as stored); larger is 413.</summary>
    [Range(2, 64 * 1024)]
    public int MaxParamsBytes { get; set; } = 8 * 1024;

    /// <summary>Largest <c>result</c> object a device may answer with; a larger answer fails the command.</summary>
    [Range(2, 256 * 1024)]
    public int MaxResultBytes { get; set; } = 16 * 1024;

    /// <summary>Commands a device may have open (pending or delivered) at once; one more is 429.</summary>
    [Range(1, 10_000)]
    public int MaxOpenPerDevice { get; set; } = 100;

    /// <summary>How often commands past <c>expiresAt</c> are marked <c>timed_out</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long finished commands (and so the audit) are kept.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);
}
