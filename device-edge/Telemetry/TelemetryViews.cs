namespace Facade.DeviceEdge.Telemetry;

/// <summary>A metric's latest reading: <c>{"value","unit","ts"}</c> (in <c>/telemetry/latest</c> and <c>GET /devices?include=latest</c>).</summary>
internal sealed record ReadingView(double Value, string? Unit, DateTimeOffset Ts);

/// <summary><c>GET /devices/{id}/telemetry/latest</c>: every metric's latest reading, by key.</summary>
internal sealed record LatestReadingsView(string DeviceId, IReadOnlyDictionary<string, ReadingView> Readings);

/// <summary><c>GET /devices/{id}/telemetry/{key}/latest</c>.</summary>
internal sealed record KeyReadingView(string DeviceId, string Key, double Value, string? Unit, DateTimeOffset Ts);

internal sealed record RawPointView(DateTimeOffset Ts, double Value);

/// <summary>A bucket of readings: <see cref="Ts"/> is its start; only buckets with readings are listed.</summary>
internal sealed record BucketPointView(DateTimeOffset Ts, double Min, double Avg, double Max, long Count);

/// <summary>
/// <c>GET /devices/{id}/telemetry/{key}?resolution=raw</c>. <see cref="Next"/> is set when the limit cut the answer:
/// the <c>from</c> of the next page.
/// </summary>
internal sealed record RawHistoryView(string DeviceId, string Key, string? Unit, string Resolution, DateTimeOffset From, DateTimeOffset To,
    IReadOnlyList<RawPointView> Points, DateTimeOffset? Next);

/// <summary><c>GET /devices/{id}/telemetry/{key}?resolution=1m|1h|1d</c>; <see cref="From"/> and <see cref="To"/> are whole buckets.</summary>
internal sealed record BucketHistoryView(string DeviceId, string Key, string? Unit, string Resolution, DateTimeOffset From, DateTimeOffset To,
    IReadOnlyList<BucketPointView> Points, DateTimeOffset? Next);
