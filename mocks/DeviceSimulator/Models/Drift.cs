namespace Facade.Mocks.DeviceSimulator.Models;

/// <summary>
/// A value that wanders smoothly: each step pulls it toward a target (the daily pattern) and adds a little Gaussian
/// noise scaled to the time passed (an Ornstein–Uhlenbeck walk), so it neither jumps nor drifts off, and stays within
/// <paramref name="min"/>..<paramref name="max"/>.
/// </summary>
internal sealed class Drift(double initial, double min, double max, double pullPerSecond, double noisePerSecond)
{
    public double Value { get; private set; } = Math.Clamp(initial, min, max);

    public double Step(double target, double seconds, Random random)
    {
        var dt = Math.Clamp(seconds, 0, 600);
        var pull = Math.Min(1, pullPerSecond * dt);
        Value = Math.Clamp(Value + pull * (target - Value) + noisePerSecond * Math.Sqrt(dt) * random.NextGaussian(), min, max);
        return Value;
    }

    /// <summary>Moves the value at once (a switched load, a pump starting), still within its bounds.</summary>
    public void Set(double value) => Value = Math.Clamp(value, min, max);
}
