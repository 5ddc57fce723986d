using System.Buffers;
using System.Text.Json.Nodes;
using MQTTnet;

namespace Facade.Mocks.DeviceSimulator.Devices;

internal sealed partial class SimulatedDevice
{
    /// <summary>Commands and desired shadow states, one at a time, in the order they arrived.</summary>
    private async Task ProcessInboxAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var message in _inbox.Reader.ReadAllAsync(stopping))
            {
                ReadOnlyMemory<byte> payload = message.Payload.IsSingleSegment ? message.Payload.First : message.Payload.ToArray();
                try
                {
                    if (DeviceTopics.CommandId(Id, message.Topic) is { } commandId)
                    {
                        await HandleCommandAsync(commandId, payload, stopping);
                    }
                    else if (message.Topic == DeviceTopics.ShadowDesired(Id))
                    {
                        await HandleDesiredAsync(payload, stopping);
                    }
                }
                catch (Exception e) when (!stopping.IsCancellationRequested)
                {
                    LogAnswerFailed(_logger, Id, message.Topic, e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Works on the command for <see cref="Hosting.SimulatorOptions.AckDelay"/>, then fails it at the configured rate
    /// or carries it out, and acknowledges on <c>…/commands/{id}/ack</c>. A reboot is acknowledged first, then done.
    /// </summary>
    private async Task HandleCommandAsync(string commandId, ReadOnlyMemory<byte> payload, CancellationToken stopping)
    {
        var action = DeviceCommands.Decide(payload.Span, _relays.Length, _time.GetUtcNow());
        await Task.Delay(_options.AckDelay, _time, stopping);
        if (action is not CommandAction.Refuse && _failures.NextDouble() < _options.FailureRate)
        {
            action = new CommandAction.Refuse("simulated failure");
        }

        var ack = action switch
        {
            CommandAction.SetRelay relay => SwitchRelay(relay),
            CommandAction.SetInterval interval => ChangeInterval(interval.Seconds),
            CommandAction.Reboot => DevicePayloads.Acknowledged(new JsonObject { ["rebooting"] = true }),
            CommandAction.Refuse refused => DevicePayloads.Failed(refused.Error),
            _ => throw new InvalidOperationException($"Unhandled command action {action}."),
        };
        LogCommand(_logger, Id, commandId, action.ToString());
        await PublishIfConnectedAsync(DeviceTopics.CommandAck(Id, commandId), ack, stopping);
        if (action is CommandAction.Reboot)
        {
            GoOffline(_options.RebootDuration);
        }
        else if (action is CommandAction.SetInterval)
        {
            await ReportSettingsAsync(stopping);
        }
    }

    private byte[] SwitchRelay(CommandAction.SetRelay command)
    {
        lock (_lock)
        {
            _relays[command.Relay - 1] = command.On;
        }

        _reportNow.Set();
        return DevicePayloads.Acknowledged(new JsonObject { ["relay"] = command.Relay, ["on"] = command.On });
    }

    private byte[] ChangeInterval(int seconds)
    {
        lock (_lock)
        {
            _settings.IntervalSeconds = seconds;
        }

        _reportNow.Set();
        return DevicePayloads.Acknowledged(new JsonObject { ["seconds"] = seconds });
    }

    /// <summary>Applies a desired state and reports the device's whole state under the same version.</summary>
    private async Task HandleDesiredAsync(ReadOnlyMemory<byte> payload, CancellationToken stopping)
    {
        if (!DevicePayloads.TryReadShadow(payload.Span, out var version, out var desired))
        {
            LogUnreadableDesired(_logger, Id);
            return;
        }

        IReadOnlyList<string> refused;
        lock (_lock)
        {
            refused = _settings.ApplyDesired(version, desired);
        }

        if (refused.Count > 0)
        {
            LogDesiredRefused(_logger, Id, version, string.Join(", ", refused));
        }

        _reportNow.Set();
        await ReportSettingsAsync(stopping);
    }

    /// <summary>
    /// Reports the device's whole state under the version of the desired state it last applied (a command that changed
    /// the interval since shows as a difference from that desired state). Nothing before the first desired state.
    /// </summary>
    private async Task ReportSettingsAsync(CancellationToken stopping)
    {
        long version;
        JsonObject reported;
        lock (_lock)
        {
            if (_settings.Version is not { } applied)
            {
                return;
            }

            version = applied;
            reported = _settings.Reported();
        }

        await PublishIfConnectedAsync(DeviceTopics.ShadowReported(Id), DevicePayloads.Shadow(version, reported), stopping);
    }

    private async Task PublishIfConnectedAsync(string topic, byte[] payload, CancellationToken stopping)
    {
        if (Connected is not { } client)
        {
            LogNotConnected(_logger, Id, topic);
            return;
        }

        await PublishAsync(client, topic, payload, retain: false, stopping);
    }
}
