using System.Globalization;
using System.Text;
using Facade.Testing;
using MQTTnet;

namespace Facade.DeviceEdge.Tests.Telemetry;

/// <summary>Telemetry payloads, publishing and ISO times the way the telemetry tests need them.</summary>
internal static class TelemetryKit
{
    public const string Read = "devices:read devices:write telemetry:read";

    public static string Payload(long ts, params (string Key, double Value)[] metrics)
    {
        var body = new StringBuilder("{\"ts\":").Append(ts.ToString(CultureInfo.InvariantCulture)).Append(",\"metrics\":{");
        for (var i = 0; i < metrics.Length; i++)
        {
            body.Append(i == 0 ? "" : ",").Append('"').Append(metrics[i].Key).Append("\":").Append(metrics[i].Value.ToString("R", CultureInfo.InvariantCulture));
        }

        return body.Append("}}").ToString();
    }

    public static async Task<MqttClientPublishResult> SendAsync(this TestDevice device, string payload) =>
        await device.PublishAsync($"devices/{device.DeviceId}/telemetry", payload, cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>Publishes at QoS 1 and checks the broker acknowledged it as stored.</summary>
    public static async Task StoreAsync(this TestDevice device, string payload)
    {
        var result = await device.SendAsync(payload);
        Assert.True(result.ReasonCode == MqttClientPublishReasonCode.Success, $"{result.ReasonCode}: {result.ReasonString}");
    }

    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>A whole minute a few minutes back, so readings after it stay in the past and inside the window.</summary>
    public static long RecentMinute(int minutesBack = 10)
    {
        var now = Now() - minutesBack * 60_000L;
        return now - now % 60_000;
    }

    public static string Iso(long ms) => Uri.EscapeDataString(DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));

    public static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
