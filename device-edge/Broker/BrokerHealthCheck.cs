using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Facade.DeviceEdge.Broker;

/// <summary>Ready only while devices' messages flow: the embedded broker accepts devices, or the service is connected to the external one.</summary>
internal sealed class BrokerHealthCheck(DeviceBroker broker) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(broker.IsReady ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(broker.NotReadyReason));
}
