namespace Facade.Mocks.DeviceSimulator.Models;

/// <summary>The kinds of device the simulator knows, by the type name they are registered with.</summary>
internal static class DeviceModels
{
    public const string GreenhouseController = "greenhouse-controller";
    public const string EnvironmentSensor = "environment-sensor";
    public const string PowerMeter = "power-meter";

    public static readonly IReadOnlyList<string> Types = [GreenhouseController, EnvironmentSensor, PowerMeter];

    public static bool IsKnown(string? type) => type is not null && Types.Contains(type);

    public static IDeviceModel Create(string type, DayCycle day, Random random, DateTimeOffset now) => type switch
    {
        GreenhouseController => new GreenhouseController(day, random, now),
        EnvironmentSensor => new EnvironmentSensor(day, random, now),
        PowerMeter => new PowerMeter(day, random, now),
        _ => throw new ArgumentException($"Unknown device type '{type}'.", nameof(type)),
    };
}
