namespace Facade.DeviceEdge.Telemetry;

/// <summary>History resolutions: every reading (<c>raw</c>), or buckets of a minute, an hour or a day (UTC).</summary>
internal static class TelemetryResolution
{
    public const string Raw = "raw";
    public const long Minute = 60_000;
    public const long Hour = 60 * Minute;
    public const long Day = 24 * Hour;

    /// <summary>Bucket size in milliseconds (0 for raw); false for an unknown name.</summary>
    public static bool TryParse(string? name, out long size)
    {
        size = name switch
        {
            null or Raw => 0,
            "1m" => Minute,
            "1h" => Hour,
            "1d" => Day,
            _ => -1,
        };
        return size >= 0;
    }
}
