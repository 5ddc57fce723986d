using System.Text.Json;
using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.DeviceEdge.Tests.Alerts;

/// <summary>
/// Test-only stand-in for the telemetry feature (built in parallel): reads <c>devices/{id}/telemetry</c> payloads of
/// the contract (<c>{"ts": …, "metrics": {…}}</c>) and tells the <see cref="ITelemetryObserver"/>s, stores nothing.
/// Lets the alert tests run the whole path from a device's publish to a notification. With the real telemetry ingest
/// also registered a reading is evaluated twice, which changes nothing (evaluation is idempotent).
/// </summary>
internal sealed class TestTelemetryIngest(IServiceProvider services) : IDeviceMessageHandler
{
    public bool Accepts(DeviceTopicKind kind) => kind == DeviceTopicKind.Telemetry;

    public async ValueTask HandleAsync(DeviceMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var json = JsonDocument.Parse(message.Payload);
        var metrics = json.RootElement.GetProperty("metrics").EnumerateObject().ToDictionary(m => m.Name, m => m.Value.GetDouble());
        var reading = new TelemetryReading(message.DeviceId, message.ReceivedAt, metrics);
        foreach (var observer in services.GetServices<ITelemetryObserver>())
        {
            await observer.OnStoredAsync([reading], cancellationToken);
        }
    }
}
