using System.Net;
using Facade.DeviceEdge.Alerts;
using Facade.DeviceEdge.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.DeviceEdge.Tests.Status;

/// <summary>The summary counts devices with active alerts from the alerts table (which the alert rules fill), not a constant.</summary>
public sealed class FleetSummaryTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task Summary_CountsDevicesWithActiveAlerts()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var alerting = await fixture.ProvisionAsync(owner);
        var resolved = await fixture.ProvisionAsync(owner);
        var strangers = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser());
        await using (var scope = fixture.Host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DeviceEdgeDbContext>();
            var now = DateTimeOffset.UtcNow;
            var rules = Enumerable.Range(0, 2).Select(_ => new AlertRule { Id = AlertRuleId.New(), OwnerId = owner, Name = "r", Metric = "temperature", Operator = AlertOperator.GreaterThan }).ToList();
            AlertRecord Alert(AlertRule rule, string deviceId, DateTimeOffset? resolved = null) =>
                new() { RuleId = rule.Id, DeviceId = deviceId, RuleName = rule.Name, Metric = rule.Metric, Operator = rule.Operator, FiredAt = now.AddMinutes(-5), ResolvedAt = resolved };
            db.AlertRules.AddRange(rules);
            db.Alerts.AddRange(
                Alert(rules[0], alerting.Id),
                Alert(rules[1], alerting.Id),
                Alert(rules[0], resolved.Id, now),
                Alert(rules[0], strangers.Id));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        using var client = fixture.Client(owner, "devices:read");
        var (status, summary) = await client.SendJsonAsync(HttpMethod.Get, "devices/summary");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, summary.GetProperty("total").GetInt32());
        Assert.Equal(1, summary.GetProperty("withActiveAlerts").GetInt32());
        Assert.Equal(0, summary.GetProperty("online").GetInt32());
    }
}
