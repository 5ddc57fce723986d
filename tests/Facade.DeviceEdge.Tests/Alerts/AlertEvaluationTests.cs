using System.Net;
using Facade.DeviceEdge.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using static Facade.DeviceEdge.Tests.Alerts.AlertTesting;

namespace Facade.DeviceEdge.Tests.Alerts;

/// <summary>
/// Rules evaluated on stored telemetry (the <see cref="ITelemetryObserver"/> the telemetry ingest calls): an alert fires
/// when the condition holds and resolves only past the hysteresis band; a rule applies to the devices its owner can
/// see that its selector matches, and to nothing else.
/// </summary>
public sealed class AlertEvaluationTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task FiresAboveTheThreshold_ResolvesOnlyPastTheHysteresis_NoFlapping()
    {
        var host = fixture.Host;
        var owner = DeviceEdgeFixture.NewUser();
        using var client = fixture.Client(owner, RulesReadWrite);
        var device = await ProvisionAsync(fixture, host, owner);
        var rule = (await CreateRuleAsync(client, Rule(threshold: 30, hysteresis: 1))).Text("id")!;

        await FeedAsync(host, device.Id, "temperature", 25);
        Assert.Empty(await AlertsAsync(client, rule, device.Id));

        await FeedAsync(host, device.Id, "temperature", 30); // not above
        Assert.Empty(await AlertsAsync(client, rule, device.Id));

        await FeedAsync(host, device.Id, "temperature", 31.5);
        var fired = Assert.Single(await AlertsAsync(client, rule, device.Id));
        Assert.Equal("firing", fired.Text("state"));
        Assert.Equal(31.5, fired.GetProperty("value").GetDouble());
        Assert.Equal((30, ">", "temperature", "Too hot"), (fired.GetProperty("threshold").GetDouble(), fired.Text("operator"), fired.Text("metric"), fired.Text("ruleName")));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, fired.GetProperty("resolvedAt").ValueKind);

        foreach (var inBand in new[] { 29.5, 30.5, 29.01, 35 })
        {
            await FeedAsync(host, device.Id, "temperature", inBand);
        }

        var still = Assert.Single(await AlertsAsync(client, rule, device.Id));
        Assert.Equal(("firing", fired.GetProperty("id").GetInt64()), (still.Text("state"), still.GetProperty("id").GetInt64()));

        await FeedAsync(host, device.Id, "temperature", 29);
        var resolved = Assert.Single(await AlertsAsync(client, rule, device.Id));
        Assert.Equal("resolved", resolved.Text("state"));
        Assert.Equal(29, resolved.GetProperty("resolvedValue").GetDouble());
        Assert.True(resolved.GetProperty("resolvedAt").GetDateTimeOffset() >= resolved.GetProperty("firedAt").GetDateTimeOffset());

        foreach (var belowOrAt in new[] { 29.5, 30, 29.9 })
        {
            await FeedAsync(host, device.Id, "temperature", belowOrAt);
        }

        Assert.Single(await AlertsAsync(client, rule, device.Id));

        await FeedAsync(host, device.Id, "temperature", 30.1);
        var alerts = await AlertsAsync(client, rule, device.Id);
        Assert.Equal(["firing", "resolved"], alerts.Select(a => a.Text("state")));
    }

    [Theory]
    [InlineData("<", 20, 5, new[] { 21.0, 19.9, 24.9, 25.0 }, new[] { false, true, true, false })]
    [InlineData("<=", 20, 0, new[] { 20.0, 20.1 }, new[] { true, false })]
    [InlineData(">=", 30, 0.5, new[] { 30.0, 29.6, 29.5, 29.4 }, new[] { true, true, true, false })]
    [InlineData(">", 0, 0, new[] { 0.0, -1, 0.001, 0 }, new[] { false, false, true, false })]
    public async Task EveryOperator_WithItsHysteresis(string op, double threshold, double hysteresis, double[] values, bool[] firingAfter)
    {
        var host = fixture.Host;
        var owner = DeviceEdgeFixture.NewUser();
        using var client = fixture.Client(owner, RulesReadWrite);
        var device = await ProvisionAsync(fixture, host, owner);
        var rule = (await CreateRuleAsync(client, Rule(metric: "battery", op: op, threshold: threshold, hysteresis: hysteresis))).Text("id")!;

        for (var i = 0; i < values.Length; i++)
        {
            await FeedAsync(host, device.Id, "battery", values[i]);
            var firing = (await AlertsAsync(client, rule, device.Id)).Any(a => a.Text("state") == "firing");
            Assert.True(firing == firingAfter[i], $"after {values[i]}: expected firing={firingAfter[i]}");
        }
    }

    [Fact]
    public async Task Selector_ByIdTypeAndTags_PicksOnlyThoseDevices()
    {
        var host = fixture.Host;
        var owner = DeviceEdgeFixture.NewUser();
        using var client = fixture.Client(owner, RulesReadWrite);
        var plain = await ProvisionAsync(fixture, host, owner, "sensor");
        var thermostat = await ProvisionAsync(fixture, host, owner, "thermostat", "site:lab");
        var labFloor2 = await ProvisionAsync(fixture, host, owner, "sensor", "site:lab", "floor:2");
        var byId = (await CreateRuleAsync(client, Rule($$"""{"deviceIds":["{{plain.Id}}"]}""", name: "by id"))).Text("id")!;
        var byType = (await CreateRuleAsync(client, Rule("""{"type":"thermostat"}""", name: "by type"))).Text("id")!;
        var byTags = (await CreateRuleAsync(client, Rule("""{"tags":["site:lab","floor:2"]}""", name: "by tags"))).Text("id")!;
        var all = (await CreateRuleAsync(client, Rule(name: "all"))).Text("id")!;

        foreach (var device in new[] { plain, thermostat, labFloor2 })
        {
            await FeedAsync(host, device.Id, "temperature", 40);
        }

        var alerts = (await OverviewAsync(client)).GetProperty("alerts").EnumerateArray()
            .Select(a => (a.Text("ruleId"), a.Text("deviceId"))).ToHashSet();
        Assert.Equal(
            new HashSet<(string?, string?)> { (byId, plain.Id), (byType, thermostat.Id), (byTags, labFloor2.Id), (all, plain.Id), (all, thermostat.Id), (all, labFloor2.Id) },
            alerts);
    }

    [Fact]
    public async Task Rule_NeverFiresForADeviceItsOwnerCannotSee_AndFiresForOneSharedWithThem()
    {
        var host = fixture.Host;
        var alice = DeviceEdgeFixture.NewUser();
        var bob = DeviceEdgeFixture.NewUser();
        using var aliceClient = fixture.Client(alice, RulesReadWrite);
        using var bobClient = fixture.Client(bob, RulesReadWrite);
        var alicesPrivate = await ProvisionAsync(fixture, host, alice);
        var alicesShared = await ProvisionAsync(fixture, host, alice);
        await ShareAsync(fixture, host, alice, alicesShared.Id, bob, "read");

        // Naming Alice's private device explicitly does not make it Bob's.
        var rule = (await CreateRuleAsync(bobClient, Rule($$"""{"deviceIds":["{{alicesPrivate.Id}}","{{alicesShared.Id}}"]}""", name: "Bob's rule"))).Text("id")!;
        await FeedAsync(host, alicesPrivate.Id, "temperature", 50);
        await FeedAsync(host, alicesShared.Id, "temperature", 50);

        var bobs = (await OverviewAsync(bobClient)).GetProperty("alerts").EnumerateArray().ToList();
        Assert.Equal([alicesShared.Id], bobs.Select(a => a.Text("deviceId")));
        var bobsRule = Assert.Single((await OverviewAsync(bobClient)).GetProperty("rules").EnumerateArray());
        Assert.Equal(1, bobsRule.GetProperty("state").GetProperty("firing").GetInt32());

        // Alice sees the alerts of her devices (whoever's rule raised them), not Bob's rules; her summary counts it.
        var alices = await OverviewAsync(aliceClient);
        Assert.Empty(alices.GetProperty("rules").EnumerateArray());
        Assert.Equal("Bob's rule", Assert.Single(alices.GetProperty("alerts").EnumerateArray()).Text("ruleName"));
        using var aliceDevices = fixture.Client(alice, "devices:read");
        var (_, summary) = await aliceDevices.SendJsonAsync(HttpMethod.Get, "devices/summary");
        Assert.Equal(1, summary.GetProperty("withActiveAlerts").GetInt32());

        // The share ends: the rule no longer applies, its alert closes with the next reading and nothing new fires.
        await ShareAsync(fixture, host, alice, alicesShared.Id, bob, null);
        await FeedAsync(host, alicesShared.Id, "temperature", 55);
        var closed = Assert.Single(await AlertsAsync(aliceClient, rule, alicesShared.Id));
        Assert.Equal("resolved", closed.Text("state"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, closed.GetProperty("resolvedValue").ValueKind);
        Assert.Empty((await OverviewAsync(bobClient)).GetProperty("alerts").EnumerateArray());
    }

    [Fact]
    public async Task DisabledRule_DoesNotFire_AndDisablingClosesItsAlerts()
    {
        var host = fixture.Host;
        var owner = DeviceEdgeFixture.NewUser();
        using var client = fixture.Client(owner, RulesReadWrite);
        var device = await ProvisionAsync(fixture, host, owner);
        var disabled = (await CreateRuleAsync(client, Rule(enabled: false))).Text("id")!;
        var enabled = (await CreateRuleAsync(client, Rule())).Text("id")!;

        await FeedAsync(host, device.Id, "temperature", 40);
        Assert.Empty(await AlertsAsync(client, disabled, device.Id));
        Assert.Equal("firing", Assert.Single(await AlertsAsync(client, enabled, device.Id)).Text("state"));

        var (status, rule) = await client.SendJsonAsync(HttpMethod.Put, $"alerts/rules/{enabled}", Rule(enabled: false));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, rule.GetProperty("state").GetProperty("firing").GetInt32());
        Assert.Equal("resolved", Assert.Single(await AlertsAsync(client, enabled, device.Id)).Text("state"));
        await FeedAsync(host, device.Id, "temperature", 45);
        Assert.Single(await AlertsAsync(client, enabled, device.Id));
    }

    [Fact]
    public async Task ChangingTheCondition_StartsTheRuleOver_RenamingDoesNot()
    {
        var host = fixture.Host;
        var owner = DeviceEdgeFixture.NewUser();
        using var client = fixture.Client(owner, RulesReadWrite);
        var device = await ProvisionAsync(fixture, host, owner);
        var rule = (await CreateRuleAsync(client, Rule(threshold: 30))).Text("id")!;
        await FeedAsync(host, device.Id, "temperature", 35);

        await client.SendJsonAsync(HttpMethod.Put, $"alerts/rules/{rule}", Rule(threshold: 30, name: "Renamed"));
        Assert.Equal("firing", Assert.Single(await AlertsAsync(client, rule, device.Id)).Text("state"));

        await client.SendJsonAsync(HttpMethod.Put, $"alerts/rules/{rule}", Rule(threshold: 40, name: "Renamed"));
        Assert.Equal("resolved", Assert.Single(await AlertsAsync(client, rule, device.Id)).Text("state"));

        await FeedAsync(host, device.Id, "temperature", 41);
        var alerts = await AlertsAsync(client, rule, device.Id);
        Assert.Equal(["firing", "resolved"], alerts.Select(a => a.Text("state")));
        Assert.Equal(("Renamed", 40), (alerts[0].Text("ruleName"), alerts[0].GetProperty("threshold").GetDouble()));
    }

    [Fact]
    public async Task DeletingTheRule_RemovesItsAlerts_AndTheSummaryCount()
    {
        var host = fixture.Host;
        var owner = DeviceEdgeFixture.NewUser();
        using var client = fixture.Client(owner, RulesReadWrite);
        var device = await ProvisionAsync(fixture, host, owner);
        var rule = (await CreateRuleAsync(client, Rule())).Text("id")!;
        await FeedAsync(host, device.Id, "temperature", 35);
        var (_, before) = await client.SendJsonAsync(HttpMethod.Get, "devices/summary");

        await client.SendJsonAsync(HttpMethod.Delete, $"alerts/rules/{rule}");
        var (_, after) = await client.SendJsonAsync(HttpMethod.Get, "devices/summary");

        Assert.Equal(1, before.GetProperty("withActiveAlerts").GetInt32());
        Assert.Equal(0, after.GetProperty("withActiveAlerts").GetInt32());
        Assert.Empty((await OverviewAsync(client)).GetProperty("alerts").EnumerateArray());
    }

    [Fact]
    public async Task OneBatch_FiringAndResolving_IsEvaluatedInOrder()
    {
        var host = fixture.Host;
        var owner = DeviceEdgeFixture.NewUser();
        using var client = fixture.Client(owner, RulesReadWrite);
        var device = await ProvisionAsync(fixture, host, owner);
        var rule = (await CreateRuleAsync(client, Rule())).Text("id")!;
        var now = DateTimeOffset.UtcNow;
        TelemetryReading Reading(double value, int second) => new(device.Id, now.AddSeconds(second), new Dictionary<string, double> { ["temperature"] = value, ["humidity"] = 50 });

        foreach (var observer in host.Services.GetServices<ITelemetryObserver>())
        {
            await observer.OnStoredAsync([Reading(31, 0), Reading(20, 1), Reading(32, 2)], TestContext.Current.CancellationToken);
        }

        Assert.Equal(["firing", "resolved"], (await AlertsAsync(client, rule, device.Id)).Select(a => a.Text("state")));
    }
}
