using Facade.DeviceEdge.Broker;
using Facade.Testing;

namespace Facade.DeviceSimulator.Tests.Devices;

/// <summary>When the broker goes away (the device edge restarts), the devices reconnect by themselves once it is back.</summary>
public sealed class ReconnectTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task Devices_Reconnect_AfterTheDeviceEdgeRestarts()
    {
        var data = Directory.CreateTempSubdirectory("facade-devices-").FullName;
        var settings = new Dictionary<string, string?> { ["DeviceEdge:Mqtt:Port"] = McpAdapterHost.ReservePort().ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var before = new DeviceRecorder();
        var edge = fixture.StartEdge(before, settings, data);
        edge.KeepData = true;
        var fleet = await fixture.ProvisionAsync(["greenhouse-controller", "power-meter"], edge);
        await using var simulator = SimulatorHost.Start(edge.MqttPort, fleet.CredentialsFile);
        foreach (var device in fleet.Devices)
        {
            await fixture.OnlineAsync(device.Id, recorder: before);
        }

        await edge.DisposeAsync();
        var after = new DeviceRecorder();
        await using var restarted = fixture.StartEdge(after, settings, data);

        foreach (var device in fleet.Devices)
        {
            await fixture.OnlineAsync(device.Id, recorder: after);
            await after.FirstAsync(device.Id, DeviceTopicKind.Telemetry);
        }

        Assert.Contains(simulator.Logs.Entries, e => e.Message.Contains($"{fleet[0].Id} lost its connection", StringComparison.Ordinal));
    }
}
