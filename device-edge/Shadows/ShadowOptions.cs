using System.ComponentModel.DataAnnotations;

namespace Facade.DeviceEdge.Shadows;

/// <summary>The <c>DeviceEdge:Shadows</c> section: how large the desired and reported states may grow.</summary>
public sealed class ShadowOptions
{
    public const string SectionName = "DeviceEdge:Shadows";

    /// <summary>Largest desired state (compact JSON, UTF-8) a patch may produce; a larger result is 413.</summary>
    [Range(64, 256 * 1024)]
    public int MaxDesiredBytes { get; set; } = 8 * 1024;

    /// <summary>Largest reported state a device may publish; a larger report is ignored (and logged).</summary>
    [Range(64, 256 * 1024)]
    public int MaxReportedBytes { get; set; } = 16 * 1024;
}
