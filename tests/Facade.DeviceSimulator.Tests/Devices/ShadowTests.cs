extern alias simulator;

using System.Text.Json;
using Facade.DeviceEdge.Broker;
using simulator::Facade.Mocks.DeviceSimulator.Models;

namespace Facade.DeviceSimulator.Tests.Devices;

/// <summary>
/// A desired shadow state (<c>{"version": n, "state": {…}}</c>, retained on <c>devices/{id}/shadow/desired</c>) is
/// applied and reported on <c>…/shadow/reported</c> under the same version; values of the wrong shape are not applied.
/// </summary>
public sealed class ShadowTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task DesiredState_IsApplied_AndReportedWithItsVersion()
    {
        var fleet = await fixture.ProvisionAsync([DeviceModels.GreenhouseController]);
        var id = fleet[0].Id;
        await using var simulator = SimulatorHost.Start(fixture.Edge.MqttPort, fleet.CredentialsFile);
        await fixture.OnlineAsync(id);
        var mark = fixture.Recorder.Mark();

        var version = await fixture.ConfigureAsync(fleet.Owner, id, """{"reportingIntervalSeconds":5,"thresholds":{"temperature":30,"humidity":85.5},"tags":["north","tomatoes"],"note":"hi"}""");

        var reported = (await fixture.Recorder.NextAsync(mark, id, DeviceTopicKind.ShadowReported, m => Version(m) == version)).Json();
        var state = reported.GetProperty("state");
        Assert.Equal(5, state.GetProperty("reportingIntervalSeconds").GetInt32());
        Assert.Equal(30, state.GetProperty("thresholds").GetProperty("temperature").GetDouble());
        Assert.Equal(85.5, state.GetProperty("thresholds").GetProperty("humidity").GetDouble());
        Assert.Equal(["north", "tomatoes"], state.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("hi", state.GetProperty("note").GetString());
        var device = await simulator.DeviceAsync(id);
        Assert.Equal(5, device.GetProperty("intervalSeconds").GetInt32());
        Assert.Equal(version, device.GetProperty("shadowVersion").GetInt64());
    }

    [Fact]
    public async Task DesiredState_PublishedWhileAway_IsAppliedOnConnecting()
    {
        var fleet = await fixture.ProvisionAsync([DeviceModels.PowerMeter]);
        var id = fleet[0].Id;
        var version = await fixture.ConfigureAsync(fleet.Owner, id, """{"reportingIntervalSeconds":60}""");

        await using var simulator = SimulatorHost.Start(fixture.Edge.MqttPort, fleet.CredentialsFile);

        var reported = (await fixture.Recorder.NextAsync(0, id, DeviceTopicKind.ShadowReported, m => Version(m) == version)).Json();
        Assert.Equal(60, reported.GetProperty("state").GetProperty("reportingIntervalSeconds").GetInt32());
    }

    [Fact]
    public async Task DesiredValues_OfTheWrongShape_AreNotApplied_AndTheDeviceReportsItsOwn()
    {
        var fleet = await fixture.ProvisionAsync([DeviceModels.EnvironmentSensor]);
        var id = fleet[0].Id;
        await using var simulator = SimulatorHost.Start(fixture.Edge.MqttPort, fleet.CredentialsFile);
        await fixture.OnlineAsync(id);
        var mark = fixture.Recorder.Mark();

        await fixture.PublishDesiredAsync(id, 2, """{"reportingIntervalSeconds":0,"thresholds":{"co2":"high"},"tags":"office"}""");

        var state = (await fixture.Recorder.NextAsync(mark, id, DeviceTopicKind.ShadowReported, m => Version(m) == 2)).Json().GetProperty("state");
        Assert.Equal(1, state.GetProperty("reportingIntervalSeconds").GetInt32());
        Assert.Equal(JsonValueKind.Object, state.GetProperty("thresholds").ValueKind);
        Assert.Empty(state.GetProperty("thresholds").EnumerateObject());
        Assert.Empty(state.GetProperty("tags").EnumerateArray());
        Assert.Contains(simulator.Logs.Entries, e => e.Message.Contains("desired version 2 not applied for reportingIntervalSeconds, thresholds, tags", StringComparison.Ordinal));
    }

    private static long Version(DeviceMessage report) => report.Json().GetProperty("version").GetInt64();
}
