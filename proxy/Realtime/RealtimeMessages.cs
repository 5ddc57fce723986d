using System.Buffers;
using System.Text.Json;

namespace Facade.Proxy.Realtime;

/// <summary>A server message, encoded once (UTF-8 JSON), and its type (the SSE event name).</summary>
internal sealed record OutboundMessage(string Type, ReadOnlyMemory<byte> Json);

/// <summary>Why the server ends a connection: the WebSocket close code and its short reason (REALTIME-CONTRACT).</summary>
internal sealed record CloseReason(int Code, string Reason)
{
    public static readonly CloseReason Normal = new(1000, "normal");
    public static readonly CloseReason GoingAway = new(1001, "going_away");
    public static readonly CloseReason PolicyViolation = new(1008, "policy_violation");
    public static readonly CloseReason MessageTooBig = new(1009, "message_too_big");
    public static readonly CloseReason TokenExpired = new(4401, "token_expired");
    public static readonly CloseReason TokenRevoked = new(4403, "token_revoked");
    public static readonly CloseReason SlowConsumer = new(4408, "slow_consumer");
}

/// <summary>The messages of the realtime protocol (REALTIME-CONTRACT), written with <see cref="Utf8JsonWriter"/>.</summary>
internal static class RealtimeMessages
{
    public static readonly OutboundMessage Heartbeat = new("heartbeat", """{"type":"heartbeat"}"""u8.ToArray());

    public static OutboundMessage Welcome(string subject, DateTimeOffset? expiresAt, TimeSpan heartbeat) => Write("welcome", json =>
    {
        json.WriteString("subject", subject);
        if (expiresAt is { } expires)
        {
            json.WriteString("expiresAt", expires);
        }
        else
        {
            json.WriteNull("expiresAt");
        }

        json.WriteNumber("heartbeatSeconds", (int)heartbeat.TotalSeconds);
    });

    public static OutboundMessage Subscribed(string? id, string channel) => Acknowledge("subscribed", id, channel);

    public static OutboundMessage Unsubscribed(string? id, string channel) => Acknowledge("unsubscribed", id, channel);

    public static OutboundMessage Pong(string? id) => Write("pong", json => WriteId(json, id));

    public static OutboundMessage Error(string? id, string? channel, string error, string description, string? scope = null) => Write("error", json =>
    {
        WriteId(json, id);
        if (channel is not null)
        {
            json.WriteString("channel", channel);
        }

        json.WriteString("error", error);
        json.WriteString("error_description", description);
        if (scope is not null)
        {
            json.WriteString("scope", scope);
        }
    });

    /// <summary><c>{"type":"event","channel":…,"data":…,"time":…}</c>: one encoding per channel, shared by its subscribers.</summary>
    public static OutboundMessage Event(string channel, JsonElement data, string? time) => Write("event", json =>
    {
        json.WriteString("channel", channel);
        json.WritePropertyName("data");
        data.WriteTo(json);
        if (time is not null)
        {
            json.WriteString("time", time);
        }
    });

    /// <summary>The SSE <c>close</c> event's body: <c>{"code":4401,"reason":"token_expired"}</c>.</summary>
    public static OutboundMessage Close(CloseReason reason) => new("close", Encode(json =>
    {
        json.WriteStartObject();
        json.WriteNumber("code", reason.Code);
        json.WriteString("reason", reason.Reason);
        json.WriteEndObject();
    }));

    private static OutboundMessage Acknowledge(string type, string? id, string channel) => Write(type, json =>
    {
        WriteId(json, id);
        json.WriteString("channel", channel);
    });

    private static void WriteId(Utf8JsonWriter json, string? id)
    {
        if (id is not null)
        {
            json.WriteString("id", id);
        }
    }

    private static OutboundMessage Write(string type, Action<Utf8JsonWriter> body) => new(type, Encode(json =>
    {
        json.WriteStartObject();
        json.WriteString("type", type);
        body(json);
        json.WriteEndObject();
    }));

    private static byte[] Encode(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>A client message: <c>{"type":"subscribe"|"unsubscribe"|"ping","id"?,"channel"?}</c>.</summary>
internal sealed record ClientMessage(string Type, string? Id, string? Channel)
{
    /// <summary>Null when the bytes are not a JSON object with a string <c>type</c> (and string <c>id</c>/<c>channel</c> if present).</summary>
    public static ClientMessage? Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 8 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind is not JsonValueKind.Object
                || !root.TryGetProperty("type", out var type) || type.ValueKind is not JsonValueKind.String
                || !OptionalString(root, "id", out var id) || !OptionalString(root, "channel", out var channel))
            {
                return null;
            }

            return new ClientMessage(type.GetString()!, id, channel);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool OptionalString(JsonElement root, string name, out string? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind is JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind is not JsonValueKind.String)
        {
            return false;
        }

        value = element.GetString();
        return value!.Length <= 512;
    }
}
