extern alias simulator;

using System.Text.Json;
using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Status;
using simulator::Facade.Mocks.DeviceSimulator.Models;

namespace Facade.DeviceSimulator.Tests.Devices;

/// <summary>
/// A command the edge publishes on <c>devices/{id}/commands/{cmdId}</c> is acknowledged on <c>…/{cmdId}/ack</c> with
/// <c>{"status":"ok","result":…}</c> or <c>{"status":"error","error":…}</c>, and carried out.
/// </summary>
public sealed class CommandTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task SetRelay_IsAcknowledged_AndTheRelayMetricFollows()
    {
        var (fleet, simulator) = await StartAsync(DeviceModels.GreenhouseController);
        await using var _ = simulator;
        var id = fleet[0].Id;
        var mark = fixture.Recorder.Mark();

        await fixture.SendCommandAsync(id, "relay-on-1", "set_relay", """{"relay":2,"on":true}""");

        var ack = await fixture.Recorder.NextAsync(mark, id, DeviceTopicKind.CommandAck, m => m.CommandId == "relay-on-1");
        Assert.Equal("""{"status":"ok","result":{"relay":2,"on":true}}""", ack.Text());
        var reading = await fixture.Recorder.NextAsync(mark, id, DeviceTopicKind.Telemetry,
            m => m.Json().GetProperty("metrics").GetProperty("relay_2").GetDouble() == 1);
        Assert.Equal(0, reading.Json().GetProperty("metrics").GetProperty("relay_1").GetDouble());
        Assert.Equal(1, (await simulator.DeviceAsync(id)).GetProperty("relays").GetProperty("relay_2").GetInt32());
    }

    [Theory]
    [InlineData(DeviceModels.GreenhouseController, "open_window", "{}", "unknown command")]
    [InlineData(DeviceModels.EnvironmentSensor, "set_relay", """{"relay":1,"on":true}""", "unknown command")]
    [InlineData(DeviceModels.GreenhouseController, "set_relay", """{"relay":6,"on":true}""", "relay 6 does not exist: this device has relays 1 to 4")]
    [InlineData(DeviceModels.GreenhouseController, "set_relay", """{"relay":9,"on":true}""", "params.relay must be a whole number from 1 to 8")]
    [InlineData(DeviceModels.PowerMeter, "set_relay", """{"relay":1,"on":"yes"}""", "params.on must be true or false")]
    [InlineData(DeviceModels.PowerMeter, "set_interval", """{"seconds":0}""", "params.seconds must be a whole number from 1 to 86400")]
    [InlineData(DeviceModels.PowerMeter, "set_interval", "[]", "params must be an object")]
    public async Task Command_ItCannotCarryOut_IsAcknowledgedAsAnError(string type, string name, string parameters, string error)
    {
        var (fleet, simulator) = await StartAsync(type);
        await using var _ = simulator;
        var mark = fixture.Recorder.Mark();

        await fixture.SendCommandAsync(fleet[0].Id, "bad-1", name, parameters);

        var ack = await fixture.Recorder.NextAsync(mark, fleet[0].Id, DeviceTopicKind.CommandAck, m => m.CommandId == "bad-1");
        Assert.Equal(JsonSerializer.Serialize(new { status = "error", error }), ack.Text());
    }

    [Fact]
    public async Task ExpiredCommand_IsRefused()
    {
        var (fleet, simulator) = await StartAsync(DeviceModels.PowerMeter);
        await using var _ = simulator;
        var mark = fixture.Recorder.Mark();

        await fixture.SendCommandAsync(fleet[0].Id, "late-1", "set_relay", """{"relay":1,"on":false}""", expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1));

        var ack = await fixture.Recorder.NextAsync(mark, fleet[0].Id, DeviceTopicKind.CommandAck, m => m.CommandId == "late-1");
        Assert.Equal("""{"status":"error","error":"command expired"}""", ack.Text());
        Assert.Equal(1, (await simulator.DeviceAsync(fleet[0].Id)).GetProperty("relays").GetProperty("relay_1").GetInt32());
    }

    [Fact]
    public async Task SetInterval_ChangesTheReportingInterval()
    {
        var (fleet, simulator) = await StartAsync(DeviceModels.EnvironmentSensor);
        await using var _ = simulator;
        var mark = fixture.Recorder.Mark();

        await fixture.SendCommandAsync(fleet[0].Id, "interval-1", "set_interval", """{"seconds":30}""");

        var ack = await fixture.Recorder.NextAsync(mark, fleet[0].Id, DeviceTopicKind.CommandAck, m => m.CommandId == "interval-1");
        Assert.Equal("""{"status":"ok","result":{"seconds":30}}""", ack.Text());
        Assert.Equal(30, (await simulator.DeviceAsync(fleet[0].Id)).GetProperty("intervalSeconds").GetInt32());
    }

    [Fact]
    public async Task FailureRateOne_AcknowledgesEveryCommandAsFailed_AndChangesNothing()
    {
        var (fleet, simulator) = await StartAsync(DeviceModels.GreenhouseController, new Dictionary<string, string?> { ["Simulator:FailureRate"] = "1" });
        await using var _ = simulator;
        var mark = fixture.Recorder.Mark();

        await fixture.SendCommandAsync(fleet[0].Id, "fail-1", "set_relay", """{"relay":1,"on":true}""");
        await fixture.SendCommandAsync(fleet[0].Id, "fail-2", "set_interval", """{"seconds":10}""");

        foreach (var commandId in new[] { "fail-1", "fail-2" })
        {
            var ack = await fixture.Recorder.NextAsync(mark, fleet[0].Id, DeviceTopicKind.CommandAck, m => m.CommandId == commandId);
            Assert.Equal("""{"status":"error","error":"simulated failure"}""", ack.Text());
        }

        var device = await simulator.DeviceAsync(fleet[0].Id);
        Assert.Equal(0, device.GetProperty("relays").GetProperty("relay_1").GetInt32());
        Assert.Equal(1, device.GetProperty("intervalSeconds").GetInt32());
    }

    [Fact]
    public async Task Reboot_IsAcknowledged_ThenTheDeviceGoesOffline_AndComesBack()
    {
        var (fleet, simulator) = await StartAsync(DeviceModels.PowerMeter);
        await using var _ = simulator;
        var id = fleet[0].Id;
        var mark = fixture.Recorder.Mark();

        await fixture.SendCommandAsync(id, "reboot-1", "reboot", "{}");

        var ack = await fixture.Recorder.NextAsync(mark, id, DeviceTopicKind.CommandAck, m => m.CommandId == "reboot-1");
        Assert.Equal("""{"status":"ok","result":{"rebooting":true}}""", ack.Text());
        var offline = await fixture.Recorder.StatusAsync(mark, id, online: false);
        var back = fixture.Recorder.Mark();
        await fixture.Recorder.StatusAsync(back, id, online: true);
        await fixture.OnlineAsync(id, back);
        Assert.Equal(StatusReason.Reported, offline.Reason);
    }

    private async Task<(TestFleet Fleet, SimulatorHost Simulator)> StartAsync(string type, IDictionary<string, string?>? settings = null)
    {
        var fleet = await fixture.ProvisionAsync([type]);
        var simulator = SimulatorHost.Start(fixture.Edge.MqttPort, fleet.CredentialsFile, settings);
        await fixture.OnlineAsync(fleet[0].Id);
        return (fleet, simulator);
    }
}
