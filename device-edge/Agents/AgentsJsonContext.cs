using System.Text.Json;
using System.Text.Json.Serialization;

namespace Facade.DeviceEdge.Agents;

/// <summary><c>{"result": …}</c>: the agent's answer to a call.</summary>
internal sealed record CallResultBody([property: JsonPropertyName("result")] JsonElement Result);

/// <summary><c>{"error": "…"}</c>: the agent answered with an error (its own message).</summary>
internal sealed record CallErrorBody([property: JsonPropertyName("error")] string Error);

/// <summary><c>{"version", "skills", "online"}</c>: an agent's announced skills.</summary>
internal sealed record SkillsBody(
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("skills")] JsonElement Skills,
    [property: JsonPropertyName("online")] bool Online);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CallResultBody))]
[JsonSerializable(typeof(CallErrorBody))]
[JsonSerializable(typeof(SkillsBody))]
internal sealed partial class AgentsJsonContext : JsonSerializerContext;
