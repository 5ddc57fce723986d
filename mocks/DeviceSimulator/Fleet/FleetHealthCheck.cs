using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Facade.Mocks.DeviceSimulator.Fleet;

/// <summary>Ready once the devices run; says how many are connected (a broker that is away does not make the simulator unready).</summary>
internal sealed class FleetHealthCheck(SimulatedFleet fleet) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var devices = fleet.Devices;
        var connected = devices.Count(d => d.View().Connected);
        return Task.FromResult(devices.Count == 0
            ? HealthCheckResult.Unhealthy("No devices are running yet.")
            : HealthCheckResult.Healthy($"{connected} of {devices.Count} devices connected."));
    }
}
