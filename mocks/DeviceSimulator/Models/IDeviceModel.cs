namespace Facade.Mocks.DeviceSimulator.Models;

/// <summary>What a kind of device measures. One instance per device; called from one loop at a time.</summary>
internal interface IDeviceModel
{
    /// <summary>
    /// The device's relays (<c>relay_1</c> … <c>relay_n</c>, switched by <c>set_relay</c>) as they are at power-on;
    /// empty for a device without relays.
    /// </summary>
    IReadOnlyList<bool> InitialRelays { get; }

    /// <summary>Advances the simulation to <paramref name="now"/> and writes the readings into <paramref name="metrics"/>.</summary>
    void Read(DateTimeOffset now, IReadOnlyList<bool> relays, IDictionary<string, double> metrics);
}
