using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Facade.DeviceEdge.Shadows;

/// <summary>The shadow API's JSON: a patch is any JSON object (repeated keys are errors); the view as the contract shows it.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, AllowDuplicateProperties = false)]
[JsonSerializable(typeof(JsonDocument))]
[JsonSerializable(typeof(ShadowView))]
internal sealed partial class ShadowsJsonContext : JsonSerializerContext;
