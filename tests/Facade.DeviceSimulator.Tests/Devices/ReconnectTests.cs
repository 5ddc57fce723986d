extern alias simulator;

using Facade.DeviceEdge.Broker;
using Facade.Testing;
using simulator::Facade.Mocks.DeviceSimulator.Fleet;

namespace Facade.DeviceSimulator.Tests.Devices;

/// <summary>
/// When the broker goes away (the device edge restarts), the devices reconnect by themselves once it is back; a device
/// the broker refuses says why and keeps trying with backoff.
/// </summary>
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

    [Fact]
    public async Task Device_WithAWrongSecret_IsRefused_SaysWhy_AndKeepsTrying()
    {
        var fleet = await fixture.ProvisionAsync(["environment-sensor"]);
        var wrong = fleet[0] with { Secret = "fdev_" + new string('x', 43) };
        await CredentialsFile.WriteAsync(fleet.CredentialsFile, [wrong], TestContext.Current.CancellationToken);
        var refused = $"{wrong.Id} was refused by the broker (BadUserNameOrPassword); is it provisioned with this secret?";

        await using var simulator = SimulatorHost.Start(fixture.Edge.MqttPort, fleet.CredentialsFile);

        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (simulator.Logs.Entries.Count(e => e.Message.StartsWith(refused, StringComparison.Ordinal)) < 2)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the refusal was not logged twice:\n" + simulator.Logs.Text);
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Empty(fixture.Recorder.Messages(wrong.Id, DeviceTopicKind.Status));
        Assert.DoesNotContain(wrong.Secret, simulator.Logs.Text, StringComparison.Ordinal);
    }
}
