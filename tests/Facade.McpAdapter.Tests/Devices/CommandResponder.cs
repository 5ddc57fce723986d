using System.Text.Json.Nodes;
using Facade.Testing;

namespace Facade.McpAdapter.Tests.Devices;

/// <summary>
/// A device's command loop on the MQTT contract: subscribed to <c>devices/{id}/commands/+</c>, it answers each command
/// on <c>…/commands/{cmdId}/ack</c> with what <see cref="Answer"/> returns for it (null: no answer at all, as an
/// offline or hung device). <see cref="Received"/> lists the commands as the device got them.
/// </summary>
internal sealed class CommandResponder : IAsyncDisposable
{
    private readonly TestDevice _device;
    private readonly Func<string, JsonObject, string?> _answer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private CommandResponder(TestDevice device, Func<string, JsonObject, string?> answer)
    {
        _device = device;
        _answer = answer;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The command payloads received (<c>{"id","name","params","expiresAt"}</c>), in order.</summary>
    public List<JsonObject> Received { get; } = [];

    /// <summary>Subscribes <paramref name="device"/> to its commands and starts answering with <paramref name="answer"/> (name, params → ack JSON or null).</summary>
    public static async Task<CommandResponder> StartAsync(TestDevice device, Func<string, JsonObject, string?> answer)
    {
        var subscribed = await device.SubscribeAsync($"devices/{device.DeviceId}/commands/+", TestContext.Current.CancellationToken);
        Assert.True(subscribed.Items.All(i => (int)i.ResultCode <= 2), "the device may subscribe to its commands");
        return new CommandResponder(device, answer);
    }

    /// <summary>An acknowledgement: <c>{"status":"ok","result":…}</c>.</summary>
    public static string Ok(JsonObject result) => new JsonObject { ["status"] = "ok", ["result"] = result }.ToJsonString();

    /// <summary>A refusal: <c>{"status":"error","error":…}</c>.</summary>
    public static string Error(string error) => new JsonObject { ["status"] = "error", ["error"] = error }.ToJsonString();

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            ReceivedMessage message;
            try
            {
                message = await _device.ReceiveAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
            {
                continue;
            }

            var command = JsonNode.Parse(message.Payload)!.AsObject();
            lock (Received)
            {
                Received.Add(command);
            }

            var answer = _answer(command["name"]!.GetValue<string>(), command["params"] as JsonObject ?? []);
            if (answer is not null)
            {
                await _device.PublishAsync($"{message.Topic}/ack", answer, cancellationToken: _stop.Token);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
