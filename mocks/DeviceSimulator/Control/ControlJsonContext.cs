using System.Text.Json;
using System.Text.Json.Serialization;
using Facade.Mocks.DeviceSimulator.Devices;

namespace Facade.Mocks.DeviceSimulator.Control;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DeviceView))]
[JsonSerializable(typeof(DeviceView[]))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;
