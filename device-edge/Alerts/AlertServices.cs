using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Hosting;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Alerts;

/// <summary>What the alert endpoints use, bound with <c>[AsParameters]</c>.</summary>
internal sealed class AlertServices(
    DeviceEdgeDbContext db, JsonBody body, AlertRuleCache rules, IOptions<AlertOptions> options, IHostEnvironment environment, TimeProvider time)
{
    public DeviceEdgeDbContext Db { get; } = db;
    public JsonBody Body { get; } = body;
    public AlertRuleCache Rules { get; } = rules;
    public IOptions<AlertOptions> Options { get; } = options;
    public IHostEnvironment Environment { get; } = environment;
    public TimeProvider Time { get; } = time;

    /// <summary>http and internal webhook addresses: only when configured, and only in Development.</summary>
    public bool AllowsInsecureWebhooks() => Options.Value.AllowInsecureWebhooks && Environment.IsDevelopment();
}
