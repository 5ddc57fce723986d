using System.Buffers;
using System.Text.Json;

namespace Facade.DeviceEdge.Realtime;

/// <summary>
/// One line of the feed (NDJSON, REALTIME-CONTRACT "Event source"):
/// <c>{"kind":…,"device":…,["subject":…,]"data":{…},"time":…}</c> and a newline, encoded once for every consumer.
/// </summary>
internal static class FeedLine
{
    public static readonly byte[] Heartbeat = "{\"kind\":\"heartbeat\"}\n"u8.ToArray();

    public static byte[] Write(string kind, string? device, string? subject, DateTimeOffset time, Action<Utf8JsonWriter> data)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("kind", kind);
            if (device is null)
            {
                json.WriteNull("device");
            }
            else
            {
                json.WriteString("device", device);
            }

            if (subject is not null)
            {
                json.WriteString("subject", subject);
            }

            json.WritePropertyName("data");
            data(json);
            json.WriteString("time", time);
            json.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }
}
