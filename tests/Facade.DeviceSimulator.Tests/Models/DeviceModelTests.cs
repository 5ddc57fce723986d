extern alias simulator;

using Facade.DeviceSimulator.Tests.Devices;
using simulator::Facade.Mocks.DeviceSimulator.Models;

namespace Facade.DeviceSimulator.Tests.Models;

/// <summary>
/// Over a whole simulated day, read every second, every value stays plausible and moves smoothly, light and load
/// follow the day, and a greenhouse goes past 30 °C now and then (what temperature alert demos need).
/// </summary>
public sealed class DeviceModelTests
{
    private static readonly DateTimeOffset Midnight = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(DeviceModels.GreenhouseController, "temperature", 1.0)]
    [InlineData(DeviceModels.EnvironmentSensor, "co2", 40)]
    [InlineData(DeviceModels.PowerMeter, "voltage", 5)]
    public void OverADay_ValuesStayPlausible_AndMoveSmoothly(string type, string metric, double largestStep)
    {
        var day = Simulate(type, relays: null);

        Assert.All(day.SelectMany(r => r), r => Assert.InRange(r.Value, TelemetryTests.PlausibleRanges[r.Key].Min, TelemetryTests.PlausibleRanges[r.Key].Max));
        var steps = day.Zip(day.Skip(1), (a, b) => Math.Abs(b[metric] - a[metric]));
        Assert.True(steps.Max() <= largestStep, $"{metric} jumped by {steps.Max()} in a second");
    }

    [Fact]
    public void Greenhouse_IsDarkAtNight_LightAtNoon_AndSometimesHotterThan30()
    {
        var day = Simulate(DeviceModels.GreenhouseController, relays: null);

        Assert.Equal(0, day[2 * 3600]["light"]);
        Assert.True(day[13 * 3600]["light"] > 10_000);
        Assert.Contains(day, r => r["temperature"] > 30);
        Assert.True(day.Count(r => r["temperature"] > 30) < day.Count / 2, "hot now and then, not all day");
    }

    [Fact]
    public void PowerMeter_SwitchedOff_DrawsNothing()
    {
        var day = Simulate(DeviceModels.PowerMeter, relays: [false]);

        Assert.All(day, r => Assert.Equal((0.0, 0.0), (r["current"], r["power"])));
        Assert.All(day, r => Assert.InRange(r["voltage"], 207, 253));
    }

    private static List<Dictionary<string, double>> Simulate(string type, bool[]? relays)
    {
        var model = DeviceModels.Create(type, new DayCycle(TimeSpan.FromDays(1)), new Random(7), Midnight);
        var switches = relays ?? [.. model.InitialRelays];
        return Enumerable.Range(1, 24 * 3600).Select(second =>
        {
            var metrics = new Dictionary<string, double>();
            model.Read(Midnight.AddSeconds(second), switches, metrics);
            return metrics;
        }).ToList();
    }
}
