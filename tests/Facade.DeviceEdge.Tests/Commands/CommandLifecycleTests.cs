using System.Net;
using System.Text.Json;
using Facade.DeviceEdge.Broker;
using MQTTnet;

namespace Facade.DeviceEdge.Tests.Commands;

/// <summary>
/// A command's way through a real broker to real MQTT devices and back: delivered on the device's PUBACK, acknowledged
/// or failed by its answer, waiting for a device that is offline, and <c>?wait=true</c> answering with the final state.
/// </summary>
public sealed class CommandLifecycleTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task Command_IsDelivered_ThenAcknowledged_WithTheResultAndWhoSentIt()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var client = await fixture.ConnectAsync(device);
        await client.SubscribeToCommandsAsync();
        await fixture.Events.StatusAsync(device.Id, online: true);
        using var http = fixture.Client(owner, Commanding.Scopes);

        var sent = await http.SendCommandAsync(device.Id, """{"name":"set_relay","params":{"relay":1,"on":true},"timeoutSeconds":60}""");
        var commandId = sent.Text("id")!;
        var received = await client.ReceiveCommandAsync(commandId);
        var delivered = await http.UntilStatusAsync(device.Id, commandId, "delivered");
        var answer = await client.AnswerAsync(commandId, """{"status":"ok","result":{"relay":1,"on":true}}""");
        var done = await http.GetCommandAsync(device.Id, commandId);

        Assert.Equal("pending", sent.Text("status"));
        Assert.Equal(device.Id, sent.Text("deviceId"));
        Assert.Equal(sent.GetProperty("createdAt").GetDateTimeOffset().AddSeconds(60), sent.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(commandId, received.Text("id"));
        Assert.Equal("set_relay", received.Text("name"));
        Assert.Equal("""{"relay":1,"on":true}""", received.GetProperty("params").GetRawText());
        Assert.Equal(sent.GetProperty("expiresAt").GetDateTimeOffset(), received.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.NotEqual(JsonValueKind.Null, delivered.GetProperty("deliveredAt").ValueKind);
        Assert.Equal(MqttClientPublishReasonCode.Success, answer.ReasonCode);
        Assert.Equal("acknowledged", done.Text("status"));
        Assert.Equal("""{"relay":1,"on":true}""", done.GetProperty("result").GetRawText());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("error").ValueKind);
        Assert.Equal(delivered.GetProperty("deliveredAt").GetDateTimeOffset(), done.GetProperty("deliveredAt").GetDateTimeOffset());
        Assert.True(done.GetProperty("completedAt").GetDateTimeOffset() >= done.GetProperty("deliveredAt").GetDateTimeOffset());
        Assert.Equal(owner, done.GetProperty("requestedBy").Text("subject"));
        Assert.Equal("test-client", done.GetProperty("requestedBy").Text("clientId"));
    }

    [Fact]
    public async Task Command_FailedByTheDevice_KeepsItsError()
    {
        var (http, client, deviceId) = await OnlineDeviceAsync();
        using (http)
        using (client)
        {
            var commandId = (await http.SendCommandAsync(deviceId)).Text("id")!;
            await client.ReceiveCommandAsync(commandId);

            await client.AnswerAsync(commandId, """{"status":"error","error":"relay stuck","result":{"code":7}}""");
            var done = await http.GetCommandAsync(deviceId, commandId);

            Assert.Equal("failed", done.Text("status"));
            Assert.Equal("relay stuck", done.Text("error"));
            Assert.Equal("""{"code":7}""", done.GetProperty("result").GetRawText());
            Assert.NotEqual(JsonValueKind.Null, done.GetProperty("deliveredAt").ValueKind);
        }
    }

    [Theory]
    [InlineData("not json", "it is not JSON")]
    [InlineData("[1]", "it is not a JSON object")]
    [InlineData("""{"status":"done"}""", "'status' must be")]
    [InlineData("""{"status":"ok","result":[1]}""", "'result' must be a JSON object")]
    [InlineData("""{"status":"error","error":42}""", "'error' must be a string")]
    public async Task UnreadableAnswer_FailsTheCommand_SayingWhy(string answer, string reason)
    {
        var (http, client, deviceId) = await OnlineDeviceAsync();
        using (http)
        using (client)
        {
            var commandId = (await http.SendCommandAsync(deviceId)).Text("id")!;
            await client.ReceiveCommandAsync(commandId);

            await client.AnswerAsync(commandId, answer);
            var done = await http.GetCommandAsync(deviceId, commandId);

            Assert.Equal("failed", done.Text("status"));
            Assert.StartsWith("The device's answer could not be read: ", done.Text("error"), StringComparison.Ordinal);
            Assert.Contains(reason, done.Text("error"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task OfflineDevice_GetsTheCommand_WhenItConnects()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var http = fixture.Client(owner, Commanding.Scopes);
        var commandId = (await http.SendCommandAsync(device.Id, """{"name":"set_interval","params":{"seconds":5}}""")).Text("id")!;

        using var client = await fixture.ConnectAsync(device);
        await client.SubscribeToCommandsAsync();
        var received = await client.ReceiveCommandAsync(commandId);
        await client.AnswerAsync(commandId);

        Assert.Equal("set_interval", received.Text("name"));
        Assert.Equal("acknowledged", (await http.GetCommandAsync(device.Id, commandId)).Text("status"));
    }

    [Fact]
    public async Task DeviceThatWentOffline_GetsTheCommand_WhenItComesBack()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using (var first = await fixture.ConnectAsync(device))
        {
            await first.SubscribeToCommandsAsync();
            await first.DisconnectAsync(TestContext.Current.CancellationToken);
            await fixture.Events.StatusAsync(device.Id, online: false);
        }

        using var http = fixture.Client(owner, Commanding.Scopes);
        var commandId = (await http.SendCommandAsync(device.Id)).Text("id")!;
        Assert.Equal("pending", (await http.GetCommandAsync(device.Id, commandId)).Text("status"));

        using var again = await fixture.ConnectAsync(device);
        await again.SubscribeToCommandsAsync();
        await again.ReceiveCommandAsync(commandId);
        await again.AnswerAsync(commandId);

        Assert.Equal("acknowledged", (await http.GetCommandAsync(device.Id, commandId)).Text("status"));
    }

    [Fact]
    public async Task WaitTrue_AnswersWithTheFinalState()
    {
        var (http, client, deviceId) = await OnlineDeviceAsync();
        using (http)
        using (client)
        {
            var sending = http.SendJsonAsync(HttpMethod.Post, $"devices/{deviceId}/commands?wait=true", """{"name":"reboot","timeoutSeconds":120}""");
            var received = await client.ReceiveAsync(m => m.Topic.StartsWith($"devices/{deviceId}/commands/", StringComparison.Ordinal), TestContext.Current.CancellationToken);
            var commandId = JsonDocument.Parse(received.Payload).RootElement.Text("id")!;
            Assert.False(sending.IsCompleted, "The request must wait for the device's answer.");

            await client.AnswerAsync(commandId, """{"status":"ok","result":{"uptime":0}}""");
            var (status, done) = await sending;

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(commandId, done.Text("id"));
            Assert.Equal("acknowledged", done.Text("status"));
            Assert.Equal("""{"uptime":0}""", done.GetProperty("result").GetRawText());
        }
    }

    [Fact]
    public async Task AnswerOnAnotherDevicesTopic_IsRefusedByTheAcl()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var (http, target, targetId) = await OnlineDeviceAsync(owner);
        var other = await fixture.ProvisionAsync(owner);
        using var intruder = await fixture.ConnectAsync(other);
        using (http)
        using (target)
        {
            var commandId = (await http.SendCommandAsync(targetId)).Text("id")!;
            await target.ReceiveCommandAsync(commandId);

            var spoofed = await intruder.AnswerAsync(commandId, """{"status":"error","error":"spoofed"}""", onDevice: targetId);
            var command = await http.UntilStatusAsync(targetId, commandId, "delivered");

            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, spoofed.ReasonCode);
            Assert.Equal(JsonValueKind.Null, command.GetProperty("error").ValueKind);
            Assert.Contains(fixture.Host.Logs.Entries, e => e.Message.Contains($"Publish refused: client {other.Id} on topic devices/{targetId}/commands/{commandId}/ack (OtherDevice)", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task AnswerToAnotherDevicesCommandId_IsIgnoredAndLogged()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var (http, target, targetId) = await OnlineDeviceAsync(owner);
        var other = await fixture.ProvisionAsync(owner);
        using var intruder = await fixture.ConnectAsync(other);
        using (http)
        using (target)
        {
            var commandId = (await http.SendCommandAsync(targetId)).Text("id")!;
            await target.ReceiveCommandAsync(commandId);

            var spoofed = await intruder.AnswerAsync(commandId, """{"status":"error","error":"spoofed"}""");
            var command = await http.UntilStatusAsync(targetId, commandId, "delivered");

            Assert.Equal(MqttClientPublishReasonCode.Success, spoofed.ReasonCode);
            Assert.Equal(JsonValueKind.Null, command.GetProperty("error").ValueKind);
            Assert.Contains(fixture.Host.Logs.Entries, e => e.Message == $"Answer to command {commandId} from device {other.Id} ignored: another device's command");
        }
    }

    [Fact]
    public async Task AnswerToACommandNeverSent_IsIgnoredAndLogged()
    {
        var device = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser());
        using var client = await fixture.ConnectAsync(device);

        var answer = await client.AnswerAsync("cmd_000000000000000000000000");
        await fixture.Events.MessageAsync(m => m.DeviceId == device.Id && m.Kind == DeviceTopicKind.CommandAck);

        Assert.Equal(MqttClientPublishReasonCode.Success, answer.ReasonCode);
        Assert.Contains(fixture.Host.Logs.Entries, e => e.Message == $"Answer to command cmd_000000000000000000000000 from device {device.Id} ignored: unknown command");
    }

    [Fact]
    public async Task SecondAnswer_ChangesNothing()
    {
        var (http, client, deviceId) = await OnlineDeviceAsync();
        using (http)
        using (client)
        {
            var commandId = (await http.SendCommandAsync(deviceId)).Text("id")!;
            await client.ReceiveCommandAsync(commandId);

            await client.AnswerAsync(commandId, """{"status":"ok","result":{"n":1}}""");
            await client.AnswerAsync(commandId, """{"status":"error","error":"changed my mind"}""");
            var done = await http.GetCommandAsync(deviceId, commandId);

            Assert.Equal("acknowledged", done.Text("status"));
            Assert.Equal("""{"n":1}""", done.GetProperty("result").GetRawText());
            Assert.Contains(fixture.Host.Logs.Entries, e => e.Message == $"Answer to command {commandId} from device {deviceId} ignored: already acknowledged");
        }
    }

    [Fact]
    public async Task Commands_AreListedNewestFirst_InPages()
    {
        var (http, client, deviceId) = await OnlineDeviceAsync();
        using (http)
        using (client)
        {
            var ids = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                ids.Add((await http.SendCommandAsync(deviceId, $$$"""{"name":"step","params":{"n":{{{i}}}}}""")).Text("id")!);
            }

            var (_, first) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{deviceId}/commands?limit=2");
            var (_, second) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{deviceId}/commands?limit=2&after={first.Text("next")}");

            Assert.Equal([ids[2], ids[1]], first.GetProperty("commands").EnumerateArray().Select(c => c.Text("id")!));
            Assert.Equal(ids[1], first.Text("next"));
            Assert.Equal([ids[0]], second.GetProperty("commands").EnumerateArray().Select(c => c.Text("id")!));
            Assert.Null(second.Text("next"));
        }
    }

    /// <summary>A new device of <paramref name="owner"/> (a new user by default), online and subscribed to its commands.</summary>
    private async Task<(HttpClient Http, Facade.Testing.TestDevice Client, string DeviceId)> OnlineDeviceAsync(string? owner = null)
    {
        owner ??= DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        var client = await fixture.ConnectAsync(device);
        await client.SubscribeToCommandsAsync();
        await fixture.Events.StatusAsync(device.Id, online: true);
        return (fixture.Client(owner, Commanding.Scopes), client, device.Id);
    }
}
