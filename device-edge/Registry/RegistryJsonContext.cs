using System.Text.Json;
using System.Text.Json.Serialization;
using Facade.DeviceEdge.Status;

namespace Facade.DeviceEdge.Registry;

/// <summary>
/// The registry's JSON: camelCase, and strict on input: unknown fields, nulls where a value is required and
/// repeated fields are errors, so a typo (<c>"tag"</c> for <c>"tags"</c>) is reported instead of silently ignored.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    NumberHandling = JsonNumberHandling.Strict,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(CreateDeviceRequest))]
[JsonSerializable(typeof(UpdateDeviceRequest))]
[JsonSerializable(typeof(ShareRequest))]
[JsonSerializable(typeof(DeviceView))]
[JsonSerializable(typeof(DeviceListView))]
[JsonSerializable(typeof(ProvisionedDeviceView))]
[JsonSerializable(typeof(SecretView))]
[JsonSerializable(typeof(ShareView))]
[JsonSerializable(typeof(FleetSummaryView))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;
