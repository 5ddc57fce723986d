extern alias simulator;

using System.Text;
using simulator::Facade.Mocks.DeviceSimulator.Devices;

namespace Facade.DeviceSimulator.Tests.Devices;

/// <summary>How a command payload is read: what is carried out, and the error for everything else.</summary>
public sealed class DeviceCommandsTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("""{"name":"set_relay","params":{"relay":3,"on":false}}""", "SetRelay { Relay = 3, On = False }")]
    [InlineData("""{"name":"set_relay","params":{"relay":3.0,"on":true}}""", "SetRelay { Relay = 3, On = True }")]
    [InlineData("""{"name":"set_interval","params":{"seconds":86400},"expiresAt":"2026-06-01T12:00:01Z"}""", "SetInterval { Seconds = 86400 }")]
    [InlineData("""{"id":"c1","name":"reboot"}""", "Reboot { }")]
    [InlineData("""{"name":"reboot","params":null}""", "Reboot { }")]
    [InlineData("not json", "Refuse { Error = invalid command: expected a JSON object with a name }")]
    [InlineData("""{"params":{}}""", "Refuse { Error = invalid command: expected a JSON object with a name }")]
    [InlineData("""{"name":"set_relay","params":{"relay":2.5,"on":true}}""", "Refuse { Error = params.relay must be a whole number from 1 to 8 }")]
    [InlineData("""{"name":"set_relay","params":{"on":true}}""", "Refuse { Error = params.relay must be a whole number from 1 to 8 }")]
    [InlineData("""{"name":"set_interval","params":{"seconds":"5"}}""", "Refuse { Error = params.seconds must be a whole number from 1 to 86400 }")]
    [InlineData("""{"name":"reboot","expiresAt":"2026-06-01T11:59:59Z"}""", "Refuse { Error = command expired }")]
    public void Decide(string payload, string expected)
    {
        var action = DeviceCommands.Decide(Encoding.UTF8.GetBytes(payload), relays: 4, Now);

        Assert.Equal(expected, action.ToString());
    }
}
