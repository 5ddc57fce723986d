namespace Facade.Mocks.DeviceSimulator.Models;

/// <summary>
/// A household power meter with a load switch (relay_1, on at power-on): mains voltage around 230 V, a current with
/// morning and evening peaks and the odd kettle, and the power they make. Switched off, current and power are 0.
/// </summary>
internal sealed class PowerMeter(DayCycle day, Random random, DateTimeOffset start) : IDeviceModel
{
    /// <summary>About one appliance switched on every five minutes, for one to four minutes.</summary>
    private const double AppliancesPerSecond = 1.0 / 300;

    private readonly Drift _voltage = new(230, 207, 253, 0.05, 0.4);
    private readonly Drift _current = new(2, 0, 40, 0.2, 0.15);
    private readonly Drift _powerFactor = new(0.95, 0.85, 0.99, 0.01, 0.002);
    private DateTimeOffset _last = start;
    private DateTimeOffset _applianceEnds = DateTimeOffset.MinValue;
    private double _applianceAmps;

    public IReadOnlyList<bool> InitialRelays { get; } = [true];

    public void Read(DateTimeOffset now, IReadOnlyList<bool> relays, IDictionary<string, double> metrics)
    {
        var seconds = Math.Max(0, (now - _last).TotalSeconds);
        _last = now;
        if (now >= _applianceEnds && random.NextDouble() < AppliancesPerSecond * seconds)
        {
            _applianceEnds = now + TimeSpan.FromSeconds(60 + random.NextDouble() * 180);
            _applianceAmps = 4 + random.NextDouble() * 6;
        }

        var hour = day.Hour(now);
        var household = 1 + 4 * Peak(hour, 7.5, 1.2) + 7 * Peak(hour, 19.5, 2) + 1.5 * day.Daylight(now) + (now < _applianceEnds ? _applianceAmps : 0);
        var voltage = _voltage.Step(230 - 0.4 * _current.Value, seconds, random);
        var powerFactor = _powerFactor.Step(0.95, seconds, random);
        double current;
        if (relays[0])
        {
            current = _current.Step(household, seconds, random);
        }
        else
        {
            _current.Set(0);
            current = 0;
        }

        metrics["voltage"] = Math.Round(voltage, 1);
        metrics["current"] = Math.Round(current, 2);
        metrics["power"] = Math.Round(voltage * current * powerFactor, 1);
    }

    private static double Peak(double hour, double at, double width) => Math.Exp(-Math.Pow((hour - at) / width, 2));
}
