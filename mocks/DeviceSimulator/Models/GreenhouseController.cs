namespace Facade.Mocks.DeviceSimulator.Models;

/// <summary>
/// A greenhouse: air temperature and humidity, soil moisture and light, and four relays that act on them —
/// relay_1 the irrigation pump (soil moisture rises), relay_2 the fan (cooler, drier), relay_3 the heater, relay_4
/// the grow lights. Now and then a heat spike (sun on the glass, a stuck vent) takes the air past 30 °C for a few
/// minutes, so temperature alerts have something to fire on.
/// </summary>
internal sealed class GreenhouseController(DayCycle day, Random random, DateTimeOffset start) : IDeviceModel
{
    /// <summary>About one heat spike per greenhouse every ten minutes.</summary>
    private const double HeatSpikesPerSecond = 1.0 / 600;

    private readonly Drift _temperature = new(18 + 8 * day.Warmth(start), 2, 45, 0.02, 0.06);
    private readonly Drift _humidity = new(70, 20, 100, 0.03, 0.25);
    private readonly Drift _soilMoisture = new(42, 5, 95, 0.01, 0.05);
    private readonly Drift _cloudCover = new(0.8, 0.25, 1, 0.005, 0.02);
    private DateTimeOffset _last = start;
    private DateTimeOffset _heatSpikeEnds = DateTimeOffset.MinValue;
    private double _heatSpikeTemperature;

    public IReadOnlyList<bool> InitialRelays { get; } = [false, false, false, false];

    public void Read(DateTimeOffset now, IReadOnlyList<bool> relays, IDictionary<string, double> metrics)
    {
        var seconds = Math.Max(0, (now - _last).TotalSeconds);
        _last = now;
        var (pump, fan, heater, growLights) = (relays[0], relays[1], relays[2], relays[3]);
        if (now >= _heatSpikeEnds && random.NextDouble() < HeatSpikesPerSecond * seconds)
        {
            _heatSpikeEnds = now + TimeSpan.FromSeconds(90 + random.NextDouble() * 150);
            _heatSpikeTemperature = 32 + random.NextDouble() * 5;
        }

        var sun = day.Daylight(now) * _cloudCover.Step(0.8, seconds, random);
        var light = Math.Max(0, 60000 * sun + (growLights ? 12000 : 0) + 40 * sun * random.NextGaussian());
        var target = 17 + 8 * day.Warmth(now) + 5 * sun + (heater ? 4 : 0) - (fan ? 4 : 0);
        if (now < _heatSpikeEnds)
        {
            target = Math.Max(target, _heatSpikeTemperature);
        }

        var temperature = _temperature.Step(target, seconds, random);
        var humidity = _humidity.Step(85 - 1.5 * (temperature - 17) - (fan ? 10 : 0) + (pump ? 5 : 0), seconds, random);
        var soilMoisture = _soilMoisture.Step(pump ? 80 : 40, seconds, random);

        metrics["temperature"] = Math.Round(temperature, 1);
        metrics["humidity"] = Math.Round(humidity, 1);
        metrics["soil_moisture"] = Math.Round(soilMoisture, 1);
        metrics["light"] = Math.Round(light);
    }
}
