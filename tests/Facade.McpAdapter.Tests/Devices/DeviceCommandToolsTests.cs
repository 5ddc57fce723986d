using System.Text.Json.Nodes;
using Facade.Testing;
using static Facade.McpAdapter.Tests.Devices.DeviceToolsFixture;

namespace Facade.McpAdapter.Tests.Devices;

/// <summary>
/// The tools that act on devices, against a real device edge and MQTT devices: send_command waits for the device's
/// answer and says what happened (acknowledged, failed with the device's error, timed_out), configure_device changes
/// the desired state the device receives, get_device shows the shadow. A read share may not act (403 forbidden), and
/// someone else's device does not exist (404 not_found), each as a tool error in the device edge's words.
/// </summary>
public sealed class DeviceCommandToolsTests(DeviceToolsFixture fixture) : IClassFixture<DeviceToolsFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, object?> SetRelay(string deviceId, int relay, bool on) => new()
    {
        ["device_id"] = deviceId,
        ["command"] = "set_relay",
        ["params"] = new Dictionary<string, object?> { ["relay"] = relay, ["on"] = on },
    };

    [Fact]
    public async Task SendCommand_DeviceAcknowledges_ReturnsAcknowledgedWithTheDevicesResult()
    {
        var owner = NewUser();
        var controller = await fixture.ProvisionAsync(owner, "Greenhouse controller", "controller");
        using var device = await fixture.ConnectDeviceAsync(controller);
        await using var responder = await CommandResponder.StartAsync(device,
            (name, parameters) => CommandResponder.Ok(new JsonObject { ["relay"] = parameters["relay"]!.DeepClone(), ["on"] = parameters["on"]!.DeepClone() }));
        await using var client = await fixture.ConnectAsync(owner, "commands:write");

        var result = await client.CallToolAsync("send_command", SetRelay(controller.Id, 1, on: true), cancellationToken: Ct);

        var command = Answer(result);
        Assert.Equal(("acknowledged", "set_relay", controller.Id), (command.GetProperty("status").GetString(), command.GetProperty("name").GetString(), command.GetProperty("deviceId").GetString()));
        Assert.Equal((1, true), (command.GetProperty("result").GetProperty("relay").GetInt32(), command.GetProperty("result").GetProperty("on").GetBoolean()));
        Assert.Equal("acknowledged", result.StructuredContent!.Value.GetProperty("status").GetString());
        var received = Assert.Single(responder.Received);
        Assert.Equal((command.GetProperty("id").GetString(), 1, true),
            (received["id"]!.GetValue<string>(), received["params"]!["relay"]!.GetValue<int>(), received["params"]!["on"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task SendCommand_DeviceRefuses_ReturnsFailedWithTheDevicesError()
    {
        var owner = NewUser();
        var controller = await fixture.ProvisionAsync(owner, "Greenhouse controller", "controller");
        using var device = await fixture.ConnectDeviceAsync(controller);
        await using var responder = await CommandResponder.StartAsync(device, (_, _) => CommandResponder.Error("relay 9 does not exist (relays 1-4)"));
        await using var client = await fixture.ConnectAsync(owner, "commands:write");

        var result = await client.CallToolAsync("send_command", SetRelay(controller.Id, 9, on: true), cancellationToken: Ct);

        var command = Answer(result);
        Assert.Equal("failed", command.GetProperty("status").GetString());
        Assert.Equal("relay 9 does not exist (relays 1-4)", command.GetProperty("error").GetString());
        Assert.Contains("relay 9 does not exist", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendCommand_DeviceNeverAnswers_ReturnsTimedOut_AsAToolResult_NotATransportError()
    {
        // A device edge whose commands wait one second: the device receives the command and says nothing.
        await using var quick = new DeviceToolsFixture { DeviceEdgeSettings = new Dictionary<string, string?> { ["DeviceEdge:Commands:DefaultTimeoutSeconds"] = "1" } };
        await quick.InitializeAsync();
        var owner = NewUser();
        var controller = await quick.ProvisionAsync(owner, "Greenhouse controller", "controller");
        using var device = await quick.ConnectDeviceAsync(controller);
        await using var responder = await CommandResponder.StartAsync(device, (_, _) => null);
        await using var client = await quick.ConnectAsync(owner, "commands:write");

        var result = await client.CallToolAsync("send_command", SetRelay(controller.Id, 2, on: false), cancellationToken: Ct);

        Assert.True(result.IsError is not true, Text(result));
        var command = Answer(result);
        Assert.Equal("timed_out", command.GetProperty("status").GetString());
        Assert.Single(responder.Received);
    }

    [Fact]
    public async Task ReadShare_MayNotCommandOrConfigure_OtherUsersDeviceIsNotFound()
    {
        var owner = NewUser();
        var reader = NewUser();
        var stranger = NewUser();
        var controller = await fixture.ProvisionAsync(owner, "Greenhouse controller", "controller");
        using (var shared = await fixture.RestAsync(owner, HttpMethod.Put, $"devices/{controller.Id}/shares/{reader}", """{"access":"read"}"""))
        {
            Assert.True(shared.IsSuccessStatusCode, shared.StatusCode.ToString());
        }

        await using var readerClient = await fixture.ConnectAsync(reader);
        await using var strangerClient = await fixture.ConnectAsync(stranger);
        var configure = new Dictionary<string, object?> { ["device_id"] = controller.Id, ["config"] = new Dictionary<string, object?> { ["reportingIntervalSeconds"] = 5 } };

        var readerCommand = await readerClient.CallToolAsync("send_command", SetRelay(controller.Id, 1, on: true), cancellationToken: Ct);
        var readerConfigure = await readerClient.CallToolAsync("configure_device", configure, cancellationToken: Ct);
        var readerDevice = Answer(await readerClient.CallToolAsync("get_device", new Dictionary<string, object?> { ["device_id"] = controller.Id }, cancellationToken: Ct));
        var strangerCommand = await strangerClient.CallToolAsync("send_command", SetRelay(controller.Id, 1, on: true), cancellationToken: Ct);
        var strangerConfigure = await strangerClient.CallToolAsync("configure_device", configure, cancellationToken: Ct);

        Assert.Equal("read", readerDevice.GetProperty("access").GetString());
        foreach (var refused in new[] { readerCommand, readerConfigure })
        {
            Assert.True(refused.IsError);
            Assert.Equal("This operation is not allowed (HTTP 403): Your share of this device does not allow changing it: it needs 'control'. The signed-in user or the token's scopes do not permit it.", Text(refused));
        }

        foreach (var hidden in new[] { strangerCommand, strangerConfigure })
        {
            Assert.True(hidden.IsError);
            Assert.Equal("Not found (HTTP 404): No device with this id.", Text(hidden));
        }
    }

    [Fact]
    public async Task ConfigureDevice_ChangesTheDesiredState_TheDeviceReceivesIt_AndGetDeviceShowsTheShadow()
    {
        var owner = NewUser();
        var sensor = await fixture.ProvisionAsync(owner, "Greenhouse", "thermometer");
        using var device = await fixture.ConnectDeviceAsync(sensor);
        var subscribed = await device.SubscribeAsync($"devices/{sensor.Id}/shadow/desired", Ct);
        Assert.True((int)Assert.Single(subscribed.Items).ResultCode <= 2);
        await using var client = await fixture.ConnectAsync(owner, "devices:read devices:write");

        var configured = await client.CallToolAsync("configure_device", new Dictionary<string, object?>
        {
            ["device_id"] = sensor.Id,
            ["config"] = new Dictionary<string, object?> { ["reportingIntervalSeconds"] = 60, ["thresholds"] = new Dictionary<string, object?> { ["temperature"] = 30 } },
        }, cancellationToken: Ct);

        var shadow = Answer(configured);
        Assert.Equal(60, shadow.GetProperty("desired").GetProperty("reportingIntervalSeconds").GetInt32());
        Assert.Equal(1, shadow.GetProperty("desiredVersion").GetInt64());
        Assert.False(shadow.GetProperty("inSync").GetBoolean());
        var desired = await device.ReceiveAsync(m => JsonNode.Parse(m.Payload)?["version"]?.GetValue<long>() == 1, Ct);
        Assert.Equal(30, JsonNode.Parse(desired.Payload)!["state"]!["thresholds"]!["temperature"]!.GetValue<double>());

        await device.PublishAsync($"devices/{sensor.Id}/shadow/reported", """{"version":1,"state":{"reportingIntervalSeconds":60,"thresholds":{"temperature":30}}}""",
            cancellationToken: Ct);
        var got = Answer(await client.CallToolAsync("get_device", new Dictionary<string, object?> { ["device_id"] = sensor.Id }, cancellationToken: Ct));
        Assert.Equal("1.4.2", got.GetProperty("firmwareVersion").GetString());
        Assert.Equal(60, got.GetProperty("shadow").GetProperty("reported").GetProperty("reportingIntervalSeconds").GetInt32());
        Assert.True(got.GetProperty("shadow").GetProperty("inSync").GetBoolean());
    }

    [Theory]
    [InlineData("send_command", """{"device_id":"dev-1","command":"Set Relay"}""", "Invalid arguments: 'command' must match the pattern")]
    [InlineData("send_command", """{"device_id":"dev-1","command":"reboot","params":[1]}""", "Invalid arguments: 'params' must be")]
    [InlineData("send_command", """{"device_id":"dev-1"}""", "Invalid arguments: 'command' is required")]
    [InlineData("configure_device", """{"device_id":"dev-1","config":{}}""", "Invalid arguments: 'config'")]
    [InlineData("configure_device", """{"device_id":"dev-1","config":{"reportingIntervalSeconds":0}}""", "Invalid arguments: 'config.reportingIntervalSeconds' must be at least 1")]
    [InlineData("configure_device", """{"device_id":"dev-1"}""", "Invalid arguments: 'config' is required")]
    public async Task BadArguments_AreRefusedByTheAdapter_WithTheArgumentNamed(string tool, string arguments, string expected)
    {
        await using var client = await fixture.ConnectAsync(NewUser());

        var result = await client.CallToolAsync(tool, System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object?>>(arguments), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.StartsWith(expected, Text(result), StringComparison.Ordinal);
    }
}
