namespace Facade.Mocks.DeviceSimulator.Models;

/// <summary>
/// Where in its (possibly shortened) day the simulation is, aligned with local time: a 24-hour day follows the clock
/// on the wall, a shorter one runs through morning, noon and night faster.
/// </summary>
internal sealed class DayCycle(TimeSpan length)
{
    /// <summary>Hour of the simulated day, 0 ≤ h &lt; 24.</summary>
    public double Hour(DateTimeOffset now)
    {
        var local = now.ToUnixTimeMilliseconds() + (long)now.Offset.TotalMilliseconds;
        var lengthMs = (long)length.TotalMilliseconds;
        return (double)(((local % lengthMs) + lengthMs) % lengthMs) / lengthMs * 24;
    }

    /// <summary>Sunlight, 0 at night, rising from 6:00 to 1 at 13:00 and back to 0 at 20:00.</summary>
    public double Daylight(DateTimeOffset now)
    {
        var hour = Hour(now);
        return hour is <= 6 or >= 20 ? 0 : Math.Sin(Math.PI * (hour - 6) / 14);
    }

    /// <summary>Warmth of the day, 0 at 3:00 (coolest), 1 at 15:00 (warmest).</summary>
    public double Warmth(DateTimeOffset now) => 0.5 - 0.5 * Math.Cos(2 * Math.PI * (Hour(now) - 3) / 24);
}
