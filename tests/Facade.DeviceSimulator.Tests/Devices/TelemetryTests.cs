extern alias simulator;

using System.Net.Http.Json;
using System.Text.Json;
using Facade.DeviceEdge.Broker;
using simulator::Facade.Mocks.DeviceSimulator.Models;

namespace Facade.DeviceSimulator.Tests.Devices;

/// <summary>
/// Simulated devices sign in with their own credentials, show online to their owner, and publish telemetry in the
/// contract's shape (<c>{"ts": unix ms, "metrics": {…}}</c>, QoS 1) on their own topic, every interval.
/// </summary>
public sealed class TelemetryTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task EveryDevice_ConnectsWithItsCredentials_AndShowsOnlineToItsOwner()
    {
        var fleet = await fixture.ProvisionAsync([DeviceModels.GreenhouseController, DeviceModels.EnvironmentSensor, DeviceModels.PowerMeter]);

        await using var simulator = SimulatorHost.Start(fixture.Edge.MqttPort, fleet.CredentialsFile);

        foreach (var device in fleet.Devices)
        {
            await fixture.OnlineAsync(device.Id);
        }

        using var client = fixture.Client(fleet.Owner);
        var list = await client.GetFromJsonAsync<JsonElement>("devices", TestContext.Current.CancellationToken);
        var devices = list.GetProperty("devices").EnumerateArray().ToList();
        Assert.Equal(fleet.Devices.Select(d => d.Id).Order(), devices.Select(d => d.GetProperty("id").GetString()).Order());
        Assert.All(devices, d => Assert.True(d.GetProperty("status").GetProperty("online").GetBoolean(), d.ToString()));
        Assert.All(fleet.Devices, d => Assert.DoesNotContain(d.Secret, simulator.Logs.Text, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(DeviceModels.GreenhouseController, "temperature humidity soil_moisture light relay_1 relay_2 relay_3 relay_4")]
    [InlineData(DeviceModels.EnvironmentSensor, "temperature humidity pressure co2")]
    [InlineData(DeviceModels.PowerMeter, "voltage current power relay_1")]
    public async Task Telemetry_ArrivesOnTheDevicesTopic_InTheContractShape(string type, string metrics)
    {
        var fleet = await fixture.ProvisionAsync([type]);
        var id = fleet[0].Id;

        await using var simulator = SimulatorHost.Start(fixture.Edge.MqttPort, fleet.CredentialsFile);

        var first = await fixture.Recorder.FirstAsync(id, DeviceTopicKind.Telemetry);
        var second = await fixture.Recorder.FirstAsync(id, DeviceTopicKind.Telemetry, m => !ReferenceEquals(m, first));
        foreach (var message in new[] { first, second })
        {
            Assert.Equal(1, message.Qos);
            Assert.False(message.Retain);
            var json = message.Json();
            Assert.Equal(JsonValueKind.Number, json.GetProperty("ts").ValueKind);
            Assert.True(json.GetProperty("ts").GetInt64() > 0);
            var readings = json.GetProperty("metrics").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
            Assert.Equal(metrics.Split(' ').Order(), readings.Keys.Order());
            Assert.All(readings, r => Assert.InRange(r.Value, PlausibleRanges[r.Key].Min, PlausibleRanges[r.Key].Max));
        }

        Assert.True(second.Json().GetProperty("ts").GetInt64() >= first.Json().GetProperty("ts").GetInt64());
    }

    internal static readonly Dictionary<string, (double Min, double Max)> PlausibleRanges = new()
    {
        ["temperature"] = (-10, 50),
        ["humidity"] = (0, 100),
        ["soil_moisture"] = (0, 100),
        ["light"] = (0, 150_000),
        ["pressure"] = (950, 1060),
        ["co2"] = (350, 5000),
        ["voltage"] = (200, 260),
        ["current"] = (0, 50),
        ["power"] = (0, 13_000),
        ["relay_1"] = (0, 1),
        ["relay_2"] = (0, 1),
        ["relay_3"] = (0, 1),
        ["relay_4"] = (0, 1),
    };
}
