using System.Text.Json;
using System.Text.Json.Serialization;

namespace Facade.DeviceEdge.Realtime;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DeviceAccessView))]
internal sealed partial class RealtimeJsonContext : JsonSerializerContext;
