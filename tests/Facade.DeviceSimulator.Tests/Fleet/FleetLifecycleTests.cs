extern alias simulator;

using Facade.DeviceEdge.Status;
using Microsoft.Extensions.DependencyInjection;
using simulator::Facade.Mocks.DeviceSimulator.Fleet;

namespace Facade.DeviceSimulator.Tests.Fleet;

/// <summary>
/// The host stops its hosted services both when asked to and when its run loop ends, sometimes at the same moment:
/// the fleet stops once (every device says offline), however often it is asked.
/// </summary>
public sealed class FleetLifecycleTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task Stopping_Repeatedly_StopsTheDevicesOnce()
    {
        var fleet = await fixture.ProvisionAsync(["power-meter", "greenhouse-controller"]);
        await using var simulator = SimulatorHost.Start(fixture.Edge.MqttPort, fleet.CredentialsFile);
        foreach (var device in fleet.Devices)
        {
            await fixture.OnlineAsync(device.Id);
        }

        var mark = fixture.Recorder.Mark();
        var simulated = simulator.Services.GetRequiredService<SimulatedFleet>();

        await Task.WhenAll(simulated.StopAsync(CancellationToken.None), simulated.StopAsync(CancellationToken.None));
        await simulated.StopAsync(CancellationToken.None);

        foreach (var device in fleet.Devices)
        {
            var offline = await fixture.Recorder.StatusAsync(mark, device.Id, online: false);
            Assert.Equal(StatusReason.Reported, offline.Reason);
        }
    }
}
