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
            db.Alerts.AddRange(
                new AlertRecord { DeviceId = alerting.Id, RaisedAt = now },
                new AlertRecord { DeviceId = alerting.Id, RaisedAt = now },
                new AlertRecord { DeviceId = resolved.Id, RaisedAt = now.AddMinutes(-5), ResolvedAt = now },
                new AlertRecord { DeviceId = strangers.Id, RaisedAt = now });
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
