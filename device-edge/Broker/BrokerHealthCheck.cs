using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Facade.DeviceEdge.Broker;

/// <summary>Ready only while the embedded broker accepts devices.</summary>
internal sealed class BrokerHealthCheck(EmbeddedBroker broker) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(broker.IsRunning ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The MQTT broker is not running."));
}
