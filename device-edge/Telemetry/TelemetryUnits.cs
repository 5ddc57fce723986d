using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Telemetry;

/// <summary>
/// The unit of each known metric key, shown beside its values. Keys not in the table are stored too, without a unit;
/// relays are states (0 or 1) without one. <c>DeviceEdge:Telemetry:Units</c> adds keys or replaces units.
/// </summary>
internal sealed class TelemetryUnits
{
    public const int MaxUnitLength = 32;

    public static readonly IReadOnlyDictionary<string, string?> Defaults = BuildDefaults();

    private readonly FrozenDictionary<string, string?> _units;

    public TelemetryUnits(IOptions<TelemetryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var units = new Dictionary<string, string?>(Defaults, StringComparer.Ordinal);
        foreach (var (key, unit) in options.Value.Units)
        {
            units[key] = string.IsNullOrEmpty(unit) ? null : unit;
        }

        _units = units.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public string? Of(string key) => _units.GetValueOrDefault(key);

    private static Dictionary<string, string?> BuildDefaults()
    {
        var units = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["temperature"] = "°C",
            ["humidity"] = "%",
            ["pressure"] = "hPa",
            ["co2"] = "ppm",
            ["tvoc"] = "ppb",
            ["pm2_5"] = "µg/m³",
            ["pm10"] = "µg/m³",
            ["light"] = "lx",
            ["noise"] = "dB",
            ["voltage"] = "V",
            ["current"] = "A",
            ["power"] = "W",
            ["energy"] = "kWh",
            ["frequency"] = "Hz",
            ["battery"] = "%",
            ["soil_moisture"] = "%",
            ["wind_speed"] = "m/s",
            ["rainfall"] = "mm",
            ["rssi"] = "dBm",
            ["uptime"] = "s",
        };
        for (var relay = 1; relay <= 8; relay++)
        {
            units[$"relay_{relay}"] = null;
        }

        return units;
    }
}
