using Facade.Mocks.AgentResponder.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Facade.Mocks.AgentResponder.Channel;

/// <summary>Ready while connected to the agent's channel; says how many calls were answered.</summary>
internal sealed class ChannelHealthCheck(ChannelState state, CallDispatcher dispatcher, IOptions<ResponderOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.Connected
            ? HealthCheckResult.Healthy($"Agent '{options.Value.AgentId}' connected over {options.Value.Transport}; {dispatcher.Answered} calls answered.")
            : HealthCheckResult.Unhealthy($"Agent '{options.Value.AgentId}' is not connected to its channel ({options.Value.Transport})."));
}
