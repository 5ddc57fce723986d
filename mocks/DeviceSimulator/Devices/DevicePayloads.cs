using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Facade.Mocks.DeviceSimulator.Devices;

/// <summary>The payloads of the MQTT contract, as the device writes and reads them.</summary>
internal static class DevicePayloads
{
    public static readonly byte[] Online = """{"state":"online"}"""u8.ToArray();
    public static readonly byte[] Offline = """{"state":"offline"}"""u8.ToArray();

    /// <summary><c>{"ts": &lt;unix ms&gt;, "metrics": {"temperature": 21.5, …}}</c>.</summary>
    public static byte[] Telemetry(DateTimeOffset timestamp, IEnumerable<KeyValuePair<string, double>> metrics)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("ts", timestamp.ToUnixTimeMilliseconds());
            json.WriteStartObject("metrics");
            foreach (var (key, value) in metrics)
            {
                json.WriteNumber(key, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>{"status":"ok","result":{…}}</c>.</summary>
    public static byte[] Acknowledged(JsonObject result) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["status"] = "ok", ["result"] = result });

    /// <summary><c>{"status":"error","error":"…"}</c>.</summary>
    public static byte[] Failed(string error) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["status"] = "error", ["error"] = error });

    /// <summary><c>{"version": n, "state": {…}}</c>, for the reported shadow.</summary>
    public static byte[] Shadow(long version, JsonObject state) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["version"] = version, ["state"] = state });

    /// <summary>Reads a desired shadow <c>{"version": n, "state": {…}}</c>; false for anything else.</summary>
    public static bool TryReadShadow(ReadOnlySpan<byte> payload, out long version, out JsonObject state)
    {
        version = 0;
        state = [];
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(payload);
        }
        catch (JsonException)
        {
            return false;
        }

        if (node is not JsonObject shadow || shadow["version"] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number
            || !v.TryGetValue(out version) || shadow["state"] is not JsonObject desired)
        {
            return false;
        }

        state = desired;
        return true;
    }
}
