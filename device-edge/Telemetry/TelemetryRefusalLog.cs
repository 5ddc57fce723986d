using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Telemetry;

/// <summary>
/// Counts every refused telemetry message and logs it at most once per device per
/// <see cref="TelemetryOptions.RefusalLogInterval"/>, with how many more were refused in between: a device stuck on a
/// bad payload fills no disk. The log names the device and the reason, never the payload.
/// </summary>
internal sealed partial class TelemetryRefusalLog(TelemetryStats stats, IOptions<TelemetryOptions> options, TimeProvider time, ILogger<TelemetryRefusalLog> logger)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public void Record(string deviceId, TelemetryRefusal reason)
    {
        stats.AddRefused(reason);
        var now = time.GetUtcNow();
        var window = _windows.GetOrAdd(deviceId, _ => new Window());
        int suppressed;
        lock (window)
        {
            if (now < window.NextLog)
            {
                window.Suppressed++;
                return;
            }

            suppressed = window.Suppressed;
            window.Suppressed = 0;
            window.NextLog = now + options.Value.RefusalLogInterval;
        }

        LogRefused(logger, deviceId, TelemetryRefusals.Describe(reason), suppressed);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telemetry refused from device {DeviceId}: {Reason} ({Suppressed} more refused since the last report)")]
    private static partial void LogRefused(ILogger logger, string deviceId, string reason, int suppressed);

    private sealed class Window
    {
        public DateTimeOffset NextLog;
        public int Suppressed;
    }
}
