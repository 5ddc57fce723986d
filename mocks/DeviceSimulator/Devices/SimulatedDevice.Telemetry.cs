using MQTTnet;

namespace Facade.Mocks.DeviceSimulator.Devices;

internal sealed partial class SimulatedDevice
{
    /// <summary>
    /// A reading every interval while connected, and one at once on connecting and after a relay switched (so the
    /// change shows without waiting). The model advances by the time that really passed, whatever the interval.
    /// </summary>
    private async Task ReportAsync(CancellationToken stopping)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        while (!stopping.IsCancellationRequested)
        {
            var now = _reportNow.Next;
            if (Connected is { } client)
            {
                await PublishReadingAsync(client, metrics, stopping);
            }

            int interval;
            lock (_lock)
            {
                interval = _settings.IntervalSeconds;
            }

            await Wakeup.WaitAsync(TimeSpan.FromSeconds(interval), now, _time, stopping);
        }
    }

    private async Task PublishReadingAsync(IMqttClient client, Dictionary<string, double> metrics, CancellationToken stopping)
    {
        bool[] relays;
        lock (_lock)
        {
            relays = [.. _relays];
        }

        var timestamp = _time.GetUtcNow();
        metrics.Clear();
        _model.Read(timestamp, relays, metrics);
        for (var i = 0; i < relays.Length; i++)
        {
            metrics[RelayName(i)] = relays[i] ? 1 : 0;
        }

        try
        {
            await PublishAsync(client, DeviceTopics.Telemetry(Id), DevicePayloads.Telemetry(timestamp, metrics), retain: false, stopping);
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            // The connection loop notices a lost connection by itself; a refused publish is worth a line.
            LogTelemetryFailed(_logger, Id, e.Message);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
