using System.Text;
using System.Text.Json;
using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Hosting;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Shadows;

/// <summary>
/// A device's <c>devices/{id}/shadow/reported</c>: <c>{"version": n, "state": {…}}</c>, its whole current configuration
/// and the desired version it applied. Stored (replacing the previous report) before the device gets its PUBACK. A
/// report that cannot be read or is larger than <see cref="ShadowOptions.MaxReportedBytes"/> is ignored and logged.
/// </summary>
internal sealed partial class ShadowReportedHandler(ShadowStore store, IOptions<ShadowOptions> options, ILogger<ShadowReportedHandler> logger)
    : IDeviceMessageHandler
{
    public bool Accepts(DeviceTopicKind kind) => kind == DeviceTopicKind.ShadowReported;

    public async ValueTask HandleAsync(DeviceMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (report, problem) = Read(message.Payload, options.Value.MaxReportedBytes);
        if (report is not { } valid)
        {
            LogIgnored(logger, message.DeviceId, problem!);
            return;
        }

        await store.UpdateAsync(message.DeviceId, shadow =>
        {
            shadow.Reported = valid.State;
            shadow.ReportedVersion = valid.Version;
            shadow.ReportedAt = message.ReceivedAt;
            return true;
        }, cancellationToken);
    }

    internal readonly record struct Report(long Version, string State);

    internal static (Report? Report, string? Problem) Read(ReadOnlyMemory<byte> payload, int maxStateBytes)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number
                || !version.TryGetInt64(out var number) || number < 0)
            {
                return (null, "'version' must be a whole number, 0 or more");
            }

            if (!root.TryGetProperty("state", out var state) || state.ValueKind != JsonValueKind.Object)
            {
                return (null, "'state' must be a JSON object");
            }

            var text = CompactJson.Of(state);
            return Encoding.UTF8.GetByteCount(text) > maxStateBytes
                ? (null, $"'state' is larger than {maxStateBytes} bytes")
                : (new Report(number, text), null);
        }
        catch (JsonException)
        {
            return (null, "not JSON");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reported shadow of device {DeviceId} ignored: {Problem}")]
    private static partial void LogIgnored(ILogger logger, string deviceId, string problem);
}
