using System.Buffers;
using System.Text.Json;

namespace Facade.DeviceEdge.Agents;

/// <summary>A message an agent's runtime sends on its outbox (MQTT) or to <c>POST /channels/{id}/replies</c>.</summary>
internal abstract record RuntimeMessage;

/// <summary><c>agent_reply</c>: the answer to one call, a result (any JSON) or an error message.</summary>
internal sealed record AgentReply(string Id, JsonElement? Result, string? Error) : RuntimeMessage;

/// <summary><c>skills</c>: what the runtime can answer now, as announced (validated, compact JSON array).</summary>
internal sealed record SkillsAnnouncement(string SkillsJson) : RuntimeMessage;

/// <summary>Who asked, from the caller's validated access token (never from the request).</summary>
internal sealed record CallCaller(string Subject, string? Name, string? ClientId);

/// <summary>
/// The channel's wire format (README: Agent channel). Runtime messages are read strictly: a JSON object with a known
/// <c>type</c>, no unknown or repeated properties, bounded sizes; anything else is refused with a reason that names the
/// problem (never the content).
/// </summary>
internal static class ChannelMessages
{
    public const int MaxErrorLength = 2000;
    public const int MaxDescriptionLength = 4096;
    public const int MaxScopeLength = 64;

    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    /// <summary>Parses a runtime message; false with <paramref name="problem"/> when it is not one.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> payload, int maxSkills, out RuntimeMessage? message, out string problem)
    {
        message = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload, Strict);
        }
        catch (JsonException)
        {
            problem = "The message is not valid JSON (or repeats a property).";
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "The message must be a JSON object.";
                return false;
            }

            var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            switch (type)
            {
                case "agent_reply":
                    return TryParseReply(root, out message, out problem);
                case "skills":
                    return TryParseSkills(root, maxSkills, out message, out problem);
                default:
                    problem = "'type' must be 'agent_reply' or 'skills'.";
                    return false;
            }
        }
    }

    private static bool TryParseReply(JsonElement root, out RuntimeMessage? message, out string problem)
    {
        message = null;
        string? id = null;
        JsonElement? result = null;
        string? error = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "type":
                    break;
                case "id" when property.Value.ValueKind == JsonValueKind.String && AgentId.IsValid(property.Value.GetString()):
                    id = property.Value.GetString();
                    break;
                case "id":
                    problem = "'id' must be the call's id (a string of " + AgentId.Rule + ").";
                    return false;
                case "result":
                    result = property.Value.Clone();
                    break;
                case "error" when property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { Length: > 0 } text:
                    error = text.Length > MaxErrorLength ? text[..MaxErrorLength] + "…" : text;
                    break;
                case "error":
                    problem = "'error' must be a non-empty string.";
                    return false;
                default:
                    problem = $"An agent_reply has no property '{Shorten(property.Name)}' (only type, id, result or error).";
                    return false;
            }
        }

        if (id is null)
        {
            problem = "An agent_reply needs 'id'.";
            return false;
        }

        if ((result is null) == (error is null))
        {
            problem = "An agent_reply needs exactly one of 'result' and 'error'.";
            return false;
        }

        message = new AgentReply(id, result, error);
        problem = "";
        return true;
    }

    private static bool TryParseSkills(JsonElement root, int maxSkills, out RuntimeMessage? message, out string problem)
    {
        message = null;
        JsonElement? skills = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "type":
                    break;
                case "skills" when property.Value.ValueKind == JsonValueKind.Array:
                    skills = property.Value;
                    break;
                case "skills":
                    problem = "'skills' must be an array.";
                    return false;
                default:
                    problem = $"A skills message has no property '{Shorten(property.Name)}' (only type and skills).";
                    return false;
            }
        }

        if (skills is not { } list)
        {
            problem = "A skills message needs 'skills' (an array, possibly empty).";
            return false;
        }

        if (list.GetArrayLength() > maxSkills)
        {
            problem = $"At most {maxSkills} skills can be announced.";
            return false;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var skill in list.EnumerateArray())
        {
            if (CheckSkill(skill) is { } wrong)
            {
                problem = $"skills[{index}]: {wrong}";
                return false;
            }

            if (!names.Add(skill.GetProperty("name").GetString()!))
            {
                problem = $"skills[{index}]: the name is announced twice.";
                return false;
            }

            index++;
        }

        message = new SkillsAnnouncement(Compact(list));
        problem = "";
        return true;
    }

    private static string? CheckSkill(JsonElement skill)
    {
        if (skill.ValueKind != JsonValueKind.Object)
        {
            return "must be an object.";
        }

        var named = false;
        foreach (var property in skill.EnumerateObject())
        {
            var value = property.Value;
            var problem = property.Name switch
            {
                "name" => value.ValueKind == JsonValueKind.String && AgentId.IsSkillName(value.GetString()) ? null : "'name' must be " + AgentId.SkillRule + ".",
                "title" => value.ValueKind == JsonValueKind.String && value.GetString()!.Length <= 200 ? null : "'title' must be a string of at most 200 characters.",
                "description" => value.ValueKind == JsonValueKind.String && value.GetString()!.Length <= MaxDescriptionLength
                    ? null : $"'description' must be a string of at most {MaxDescriptionLength} characters.",
                "inputSchema" => IsObjectSchema(value) ? null : "'inputSchema' must be a JSON schema object with \"type\": \"object\".",
                "scopes" => AreScopes(value) ? null : $"'scopes' must be an array of scope names (no spaces, at most {MaxScopeLength} characters).",
                _ => $"unknown property '{Shorten(property.Name)}' (only name, title, description, inputSchema, scopes).",
            };
            if (problem is not null)
            {
                return problem;
            }

            named |= property.Name == "name";
        }

        return named ? null : "'name' is required.";
    }

    private static bool IsObjectSchema(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object
        && value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "object";

    private static bool AreScopes(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array
        && value.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String
            && s.GetString() is { Length: > 0 and <= MaxScopeLength } scope && !scope.Any(char.IsWhiteSpace));

    /// <summary>The <c>chat_message</c> a runtime receives for one call.</summary>
    public static byte[] ChatMessage(string id, string tool, JsonElement arguments, CallCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "chat_message");
            json.WriteString("id", id);
            json.WriteString("tool", tool);
            json.WritePropertyName("arguments");
            arguments.WriteTo(json);
            json.WriteStartObject("caller");
            json.WriteString("sub", caller.Subject);
            WriteOptional(json, "name", caller.Name);
            WriteOptional(json, "client_id", caller.ClientId);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static string Compact(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            value.WriteTo(json);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Shorten(string name) => Broker.LogSafe.Text(name.Length > 40 ? name[..40] : name);
}
