using KestrelTcp.Server.Sessions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KestrelTcp.Server.Hosting;

/// <summary>Ready until shutdown starts; while sessions drain, <c>/readyz</c> answers 503 so load balancers move on.</summary>
internal sealed class ReadinessCheck(SessionRegistry registry) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(registry.IsDraining
            ? HealthCheckResult.Unhealthy($"Draining: {registry.Count} sessions still open.")
            : HealthCheckResult.Healthy($"{registry.Count} sessions."));
}
