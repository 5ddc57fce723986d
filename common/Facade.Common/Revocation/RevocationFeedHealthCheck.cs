using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Facade.Common.Revocation;

/// <summary>Not ready while the revocation feed is stale: every token-authenticated request would get 503.</summary>
internal sealed class RevocationFeedHealthCheck(RevokedTokens revoked) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(revoked.IsCurrent
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The revocation feed has not been reached recently."));
}
