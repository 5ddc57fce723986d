using System.Text.Json;
using System.Text.Json.Serialization;

namespace Facade.Mocks.DeviceSimulator.Fleet;

/// <summary>One simulated device: its id (also its MQTT user name and client id), what it simulates, and its secret.</summary>
internal sealed record DeviceCredentials(string Id, string Type, string Name, string Secret);

/// <summary>The credentials file: <c>{"devices": [{"id", "type", "name", "secret"}, …]}</c>.</summary>
internal sealed record CredentialsDocument(IReadOnlyList<DeviceCredentials> Devices);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, RespectRequiredConstructorParameters = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(CredentialsDocument))]
internal sealed partial class FleetJsonContext : JsonSerializerContext;
