using System.Text.Json;
using System.Text.Json.Serialization;

namespace Facade.DeviceEdge.Commands;

/// <summary>The commands API's JSON, as strict on input as the registry's (unknown, repeated or mistyped fields are errors).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    NumberHandling = JsonNumberHandling.Strict,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(SendCommandRequest))]
[JsonSerializable(typeof(CommandView))]
[JsonSerializable(typeof(CommandListView))]
internal sealed partial class CommandsJsonContext : JsonSerializerContext;
