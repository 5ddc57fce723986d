namespace Facade.DeviceEdge.Telemetry;

/// <summary>
/// Metric keys (<c>temperature</c>, <c>relay_1</c>): <c>[a-z0-9_]{1,64}</c>. They are URL path segments
/// (<c>/devices/{id}/telemetry/{key}</c>), so <c>latest</c>, which names every key's latest reading there, is reserved.
/// </summary>
internal static class TelemetryKey
{
    public const int MaxLength = 64;
    public const string Reserved = "latest";
    public const string Rule = "[a-z0-9_]{1,64}, not 'latest'";

    private static readonly System.Buffers.SearchValues<char> Allowed =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_");

    public static bool IsValid(ReadOnlySpan<char> key) =>
        key.Length is > 0 and <= MaxLength && !key.ContainsAnyExcept(Allowed) && !key.SequenceEqual(Reserved);
}
