using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Facade.DeviceEdge.Tests.Commands;

/// <summary>Commands live in the database: a restart of the device edge loses none; open ones are sent again or time out.</summary>
public sealed class CommandRestartTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task PendingCommand_SurvivesARestart_AndReachesTheDeviceWhenItConnects()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var first = fixture.StartHost(events: new DeviceEvents());
        first.KeepData = true;
        var device = await fixture.ProvisionAsync(owner, host: first);
        string commandId;
        using (var http = fixture.Client(owner, Commanding.Scopes, first))
        {
            commandId = (await http.SendCommandAsync(device.Id, """{"name":"reboot","timeoutSeconds":300}""")).Text("id")!;
        }

        await first.DisposeAsync();
        await using var second = fixture.StartHost(dataDirectory: first.DataDirectory, events: new DeviceEvents());
        using var client = await fixture.ConnectAsync(device, host: second);
        await client.SubscribeToCommandsAsync();
        var received = await client.ReceiveCommandAsync(commandId);
        await client.AnswerAsync(commandId);

        using var after = fixture.Client(owner, Commanding.Scopes, second);
        Assert.Equal("reboot", received.Text("name"));
        Assert.Equal("acknowledged", (await after.GetCommandAsync(device.Id, commandId)).Text("status"));
    }

    [Fact]
    public async Task DeliveredCommand_IsSentAgainAfterARestart()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var events = new DeviceEvents();
        var first = fixture.StartHost(events: events);
        first.KeepData = true;
        var device = await fixture.ProvisionAsync(owner, host: first);
        string commandId;
        using (var client = await fixture.ConnectAsync(device, host: first))
        {
            await client.SubscribeToCommandsAsync();
            await events.StatusAsync(device.Id, online: true);
            using var http = fixture.Client(owner, Commanding.Scopes, first);
            commandId = (await http.SendCommandAsync(device.Id, """{"name":"reboot","timeoutSeconds":300}""")).Text("id")!;
            await client.ReceiveCommandAsync(commandId);
            await http.UntilStatusAsync(device.Id, commandId, "delivered");
            await first.DisposeAsync(); // the device restarts before it answers, and so does the service
        }

        await using var second = fixture.StartHost(dataDirectory: first.DataDirectory, events: new DeviceEvents());
        using var again = await fixture.ConnectAsync(device, host: second);
        await again.SubscribeToCommandsAsync();
        await again.ReceiveCommandAsync(commandId);
        await again.AnswerAsync(commandId);

        using var after = fixture.Client(owner, Commanding.Scopes, second);
        Assert.Equal("acknowledged", (await after.GetCommandAsync(device.Id, commandId)).Text("status"));
    }

    [Fact]
    public async Task PendingCommand_TimesOutAfterARestart()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var first = fixture.StartHost(events: new DeviceEvents());
        first.KeepData = true;
        var device = await fixture.ProvisionAsync(owner, host: first);
        string commandId;
        using (var http = fixture.Client(owner, Commanding.Scopes, first))
        {
            commandId = (await http.SendCommandAsync(device.Id, """{"name":"reboot","timeoutSeconds":5}""")).Text("id")!;
        }

        await first.DisposeAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var second = fixture.StartHost(dataDirectory: first.DataDirectory, events: new DeviceEvents(), services: s => s.AddSingleton<TimeProvider>(time));
        using var after = fixture.Client(owner, Commanding.Scopes, second);
        Assert.Equal("pending", (await after.GetCommandAsync(device.Id, commandId)).Text("status"));

        time.Advance(TimeSpan.FromSeconds(6));

        await after.UntilStatusAsync(device.Id, commandId, "timed_out");
    }
}
