using System.Net;
using static Facade.DeviceEdge.Tests.Alerts.AlertTesting;

namespace Facade.DeviceEdge.Tests.Alerts;

/// <summary>Rules and the state of every rule and device live in the database: a restart picks up where it stopped.</summary>
public sealed class AlertPersistenceTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task Restart_KeepsTheRule_AndTheFiringAlert_StillInsideTheBand()
    {
        var first = fixture.StartHost();
        first.KeepData = true;
        var owner = DeviceEdgeFixture.NewUser();
        var device = await ProvisionAsync(fixture, first, owner);
        string rule;
        long alertId;
        using (var client = fixture.Client(owner, RulesReadWrite, first))
        {
            rule = (await CreateRuleAsync(client, Rule(threshold: 30, hysteresis: 2))).Text("id")!;
            await FeedAsync(first, device.Id, "temperature", 33);
            alertId = Assert.Single(await AlertsAsync(client, rule, device.Id)).GetProperty("id").GetInt64();
        }

        await first.DisposeAsync();
        await using var second = fixture.StartHost(dataDirectory: first.DataDirectory);
        using var after = fixture.Client(owner, RulesReadWrite, second);

        var (status, stored) = await after.SendJsonAsync(HttpMethod.Get, $"alerts/rules/{rule}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((30, 2), (stored.GetProperty("threshold").GetDouble(), stored.GetProperty("hysteresis").GetDouble()));
        Assert.Equal(1, stored.GetProperty("state").GetProperty("firing").GetInt32());

        await FeedAsync(second, device.Id, "temperature", 29); // inside the band (28, 30]: no new alert, no resolution
        var firing = Assert.Single(await AlertsAsync(after, rule, device.Id));
        Assert.Equal(("firing", alertId), (firing.Text("state"), firing.GetProperty("id").GetInt64()));

        await FeedAsync(second, device.Id, "temperature", 28);
        Assert.Equal("resolved", Assert.Single(await AlertsAsync(after, rule, device.Id)).Text("state"));
    }
}
