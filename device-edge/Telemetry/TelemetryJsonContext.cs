using System.Text.Json;
using System.Text.Json.Serialization;
using Facade.Common;

namespace Facade.DeviceEdge.Telemetry;

/// <summary>The telemetry API's JSON (camelCase, like the registry's).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LatestReadingsView))]
[JsonSerializable(typeof(KeyReadingView))]
[JsonSerializable(typeof(RawHistoryView))]
[JsonSerializable(typeof(BucketHistoryView))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(IReadOnlyCollection<string>))]
internal sealed partial class TelemetryJsonContext : JsonSerializerContext;
