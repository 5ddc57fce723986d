using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Facade.DeviceEdge.Hosting;

/// <summary>JSON as the service stores and forwards it: without the whitespace it arrived with.</summary>
internal static class CompactJson
{
    public static string Of(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            value.WriteTo(json);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
