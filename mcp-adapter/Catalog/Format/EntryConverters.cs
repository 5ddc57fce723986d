using System.Text.Json;
using System.Text.Json.Serialization;
using Facade.McpAdapter.Backend;

namespace Facade.McpAdapter.Catalog.Format;

/// <summary>
/// An array of entries where one broken entry does not hide the others: an item that does not deserialize becomes
/// null (the schema has reported why) and keeps its index; a value that is not an array reads as empty.
/// </summary>
internal sealed class EntryListConverter<T> : JsonConverter<IReadOnlyList<T?>>
    where T : class
{
    public override IReadOnlyList<T?> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.ValueKind == JsonValueKind.Array
            ? [.. document.RootElement.EnumerateArray().Select(item => EntryConverters.TryDeserialize<T>(item, options))]
            : [];
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<T?> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.ToArray(), options);
}

/// <summary>An object of name → entry, with the same tolerance as <see cref="EntryListConverter{T}"/>.</summary>
internal sealed class EntryMapConverter<T> : JsonConverter<IReadOnlyDictionary<string, T?>>
    where T : class
{
    public override IReadOnlyDictionary<string, T?> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var result = new Dictionary<string, T?>(StringComparer.Ordinal);
        if (document.RootElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in document.RootElement.EnumerateObject())
            {
                result[property.Name] = EntryConverters.TryDeserialize<T>(property.Value, options);
            }
        }

        return result;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, T?> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.ToDictionary(), options);
}

/// <summary><c>"http://…"</c> or <c>{ "baseUrl", "title", "timeoutSeconds", "description" }</c>.</summary>
internal sealed class BackendSpecConverter : JsonConverter<BackendSpec>
{
    public override BackendSpec Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var element = document.RootElement;
        return element.ValueKind switch
        {
            JsonValueKind.String => new BackendSpec(element.GetString(), null, null),
            JsonValueKind.Object => new BackendSpec(
                EntryConverters.Optional(element, "baseUrl", JsonValueKind.String)?.GetString(),
                EntryConverters.Optional(element, "title", JsonValueKind.String)?.GetString(),
                EntryConverters.Optional(element, "timeoutSeconds", JsonValueKind.Number)?.GetDouble()),
            _ => throw new JsonException("A backend is a URL or an object."),
        };
    }

    public override void Write(Utf8JsonWriter writer, BackendSpec value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("baseUrl", value.BaseUrl);
        writer.WriteString("title", value.Title);
        if (value.TimeoutSeconds is { } seconds)
        {
            writer.WriteNumber("timeoutSeconds", seconds);
        }

        writer.WriteEndObject();
    }
}

/// <summary><c>{ "param": "argument" }</c>, or <c>["name", …]</c> when parameter and argument share the name.</summary>
internal sealed class MappingsConverter : JsonConverter<IReadOnlyList<ParameterMapping>>
{
    public override IReadOnlyList<ParameterMapping> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var element = document.RootElement;
        return element.ValueKind switch
        {
            JsonValueKind.Array => [.. element.EnumerateArray().Select(e => EntryConverters.Text(e)).Select(name => new ParameterMapping(name, name))],
            JsonValueKind.Object => [.. element.EnumerateObject().Select(p => new ParameterMapping(p.Name, EntryConverters.Text(p.Value)))],
            _ => throw new JsonException("Mappings are an object or an array."),
        };
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<ParameterMapping> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var mapping in value)
        {
            writer.WriteString(mapping.Name, mapping.Argument);
        }

        writer.WriteEndObject();
    }
}

/// <summary><c>"none"</c>, <c>"arguments"</c>, <c>{ "argument": "body" }</c> or <c>{ "map": { "title": "title" } }</c>.</summary>
internal sealed class BodyConverter : JsonConverter<BodyMapping>
{
    public override BodyMapping Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var element = document.RootElement;
        switch (element.ValueKind)
        {
            case JsonValueKind.String when element.GetString() == "none":
                return BodyMapping.None;
            case JsonValueKind.String when element.GetString() == "arguments":
                return BodyMapping.RemainingArguments;
            case JsonValueKind.Object when EntryConverters.Optional(element, "argument", JsonValueKind.String) is { } argument:
                return BodyMapping.FromArgument(argument.GetString()!);
            case JsonValueKind.Object when EntryConverters.Optional(element, "map", JsonValueKind.Object) is { } map:
                return BodyMapping.FromMap([.. map.EnumerateObject().Select(p => new ParameterMapping(p.Name, EntryConverters.Text(p.Value)))]);
            default:
                throw new JsonException("Not a body mapping.");
        }
    }

    public override void Write(Utf8JsonWriter writer, BodyMapping value, JsonSerializerOptions options)
    {
        switch (value.Kind)
        {
            case BodyKind.None:
                writer.WriteStringValue("none");
                break;
            case BodyKind.Arguments:
                writer.WriteStringValue("arguments");
                break;
            case BodyKind.Argument:
                writer.WriteStartObject();
                writer.WriteString("argument", value.Argument);
                writer.WriteEndObject();
                break;
            default:
                writer.WriteStartObject();
                writer.WritePropertyName("map");
                new MappingsConverter().Write(writer, value.Properties, options);
                writer.WriteEndObject();
                break;
        }
    }
}

/// <summary>A string, or an array of lines joined with <c>\n</c>.</summary>
internal sealed class LinesConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var element = document.RootElement;
        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString()!,
            JsonValueKind.Array => string.Join("\n", element.EnumerateArray().Select(EntryConverters.Text)),
            _ => throw new JsonException("Text is a string or an array of lines."),
        };
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

internal static class EntryConverters
{
    public static T? TryDeserialize<T>(JsonElement element, JsonSerializerOptions options)
        where T : class
    {
        try
        {
            return element.Deserialize<T>(options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static JsonElement? Optional(JsonElement element, string property, JsonValueKind kind)
    {
        if (!element.TryGetProperty(property, out var value))
        {
            return null;
        }

        return value.ValueKind == kind ? value : throw new JsonException($"'{property}' has the wrong type.");
    }

    public static string Text(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : throw new JsonException("Expected a string.");
}
