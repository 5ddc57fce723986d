namespace Facade.Mocks.DeviceSimulator.Models;

/// <summary>
/// An indoor environment sensor: temperature and humidity following the day, air pressure following slow weather,
/// and CO₂ rising while people are in (daytime).
/// </summary>
internal sealed class EnvironmentSensor(DayCycle day, Random random, DateTimeOffset start) : IDeviceModel
{
    private readonly Drift _temperature = new(20 + 3 * day.Warmth(start), 10, 35, 0.02, 0.05);
    private readonly Drift _humidity = new(45, 15, 85, 0.02, 0.2);
    private readonly Drift _weather = new(1013, 980, 1045, 0.0005, 0.06);
    private readonly Drift _pressure = new(1013, 975, 1050, 0.1, 0.03);
    private readonly Drift _co2 = new(450, 380, 3000, 0.01, 4);
    private DateTimeOffset _last = start;

    public IReadOnlyList<bool> InitialRelays { get; } = [];

    public void Read(DateTimeOffset now, IReadOnlyList<bool> relays, IDictionary<string, double> metrics)
    {
        var seconds = Math.Max(0, (now - _last).TotalSeconds);
        _last = now;
        var temperature = _temperature.Step(20 + 3 * day.Warmth(now), seconds, random);
        var humidity = _humidity.Step(50 - 2 * (temperature - 21), seconds, random);
        var pressure = _pressure.Step(_weather.Step(1013, seconds, random), seconds, random);
        var co2 = _co2.Step(420 + 650 * day.Daylight(now), seconds, random);

        metrics["temperature"] = Math.Round(temperature, 1);
        metrics["humidity"] = Math.Round(humidity, 1);
        metrics["pressure"] = Math.Round(pressure, 1);
        metrics["co2"] = Math.Round(co2);
    }
}
