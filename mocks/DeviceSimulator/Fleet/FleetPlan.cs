using System.Buffers.Text;
using System.Security.Cryptography;
using Facade.Mocks.DeviceSimulator.Models;

namespace Facade.Mocks.DeviceSimulator.Fleet;

/// <summary>
/// The simulated fleet of a given size: the device types in turn (greenhouse controller, environment sensor, power
/// meter), with stable ids (<c>sim-greenhouse-1</c>, <c>sim-environment-1</c>, <c>sim-power-1</c>, <c>sim-greenhouse-2</c> …)
/// so that provisioning again finds the same devices.
/// </summary>
internal static class FleetPlan
{
    public const int MaxDevices = 1000;

    private static readonly (string Type, string IdPrefix, string Name)[] Kinds =
    [
        (DeviceModels.GreenhouseController, "sim-greenhouse-", "Greenhouse "),
        (DeviceModels.EnvironmentSensor, "sim-environment-", "Environment sensor "),
        (DeviceModels.PowerMeter, "sim-power-", "Power meter "),
    ];

    /// <summary>
    /// The first <paramref name="count"/> devices of the plan, keeping the secret each already has in
    /// <paramref name="existing"/> and generating one (the device edge's format: <c>fdev_</c> + 256 random bits) for the others.
    /// </summary>
    public static IReadOnlyList<DeviceCredentials> Create(int count, IReadOnlyList<DeviceCredentials> existing)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxDevices);
        var secrets = existing.ToDictionary(d => d.Id, d => d.Secret, StringComparer.Ordinal);
        return Enumerable.Range(0, count).Select(i =>
        {
            var (type, prefix, name) = Kinds[i % Kinds.Length];
            var number = i / Kinds.Length + 1;
            var id = prefix + number;
            return new DeviceCredentials(id, type, name + number, secrets.GetValueOrDefault(id) ?? NewSecret());
        }).ToList();
    }

    private static string NewSecret() => "fdev_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
