namespace Facade.Mocks.DeviceSimulator.Devices;

/// <summary>
/// A simulated device as the control endpoint shows it: whether it is connected, whether it was told to stay offline
/// (and until when; null = until told to come online), its reporting interval, relays and applied shadow version.
/// </summary>
internal sealed record DeviceView(
    string Id,
    string Type,
    string Name,
    bool Connected,
    bool HeldOffline,
    DateTimeOffset? OfflineUntil,
    int IntervalSeconds,
    IReadOnlyDictionary<string, int> Relays,
    long? ShadowVersion);
