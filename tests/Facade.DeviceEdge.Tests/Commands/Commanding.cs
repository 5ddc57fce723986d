using System.Net;
using System.Text.Json;
using Facade.Testing;
using MQTTnet;

namespace Facade.DeviceEdge.Tests.Commands;

/// <summary>The REST and MQTT steps the command tests repeat: send, read, wait for a state, receive and answer on the device.</summary>
internal static class Commanding
{
    /// <summary>Everything a user needs to provision devices and command them.</summary>
    public const string Scopes = "devices:read devices:write commands:write";

    public const string Reboot = """{"name":"reboot"}""";

    /// <summary>POSTs a command and expects 202; returns the command.</summary>
    public static async Task<JsonElement> SendCommandAsync(this HttpClient client, string deviceId, string body = Reboot)
    {
        var (status, json) = await client.SendJsonAsync(HttpMethod.Post, $"devices/{deviceId}/commands", body);
        Assert.True(status == HttpStatusCode.Accepted, $"{status}: {json}");
        return json;
    }

    public static async Task<JsonElement> GetCommandAsync(this HttpClient client, string deviceId, string commandId)
    {
        var (status, json) = await client.SendJsonAsync(HttpMethod.Get, $"devices/{deviceId}/commands/{commandId}");
        Assert.True(status == HttpStatusCode.OK, $"{status}: {json}");
        return json;
    }

    /// <summary>Reads the command until it has <paramref name="state"/> (30 seconds at most).</summary>
    public static async Task<JsonElement> UntilStatusAsync(this HttpClient client, string deviceId, string commandId, string state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var command = await client.GetCommandAsync(deviceId, commandId);
            if (command.Text("status") == state)
            {
                return command;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The command never became {state}: {command}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public static Task<MqttClientSubscribeResult> SubscribeToCommandsAsync(this TestDevice device) =>
        device.SubscribeAsync($"devices/{device.DeviceId}/commands/+", TestContext.Current.CancellationToken);

    /// <summary>The command with this id as the device receives it (other messages before it are dropped).</summary>
    public static async Task<JsonElement> ReceiveCommandAsync(this TestDevice device, string commandId)
    {
        var message = await device.ReceiveAsync(m => m.Topic == $"devices/{device.DeviceId}/commands/{commandId}", TestContext.Current.CancellationToken);
        return JsonDocument.Parse(message.Payload).RootElement.Clone();
    }

    /// <summary>The device's answer on <c>devices/{self}/commands/{commandId}/ack</c>; returns once the broker acknowledged it.</summary>
    public static Task<MqttClientPublishResult> AnswerAsync(this TestDevice device, string commandId, string payload = """{"status":"ok"}""", string? onDevice = null) =>
        device.PublishAsync($"devices/{onDevice ?? device.DeviceId}/commands/{commandId}/ack", payload, cancellationToken: TestContext.Current.CancellationToken);
}
