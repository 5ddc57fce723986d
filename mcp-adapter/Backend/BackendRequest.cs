using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Facade.McpAdapter.Backend;

/// <summary>The request a <see cref="BackendCall"/> makes for one set of arguments, before any token is added.</summary>
internal sealed class BackendRequest
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private BackendRequest(Uri uri, IReadOnlyList<KeyValuePair<string, string>> headers, byte[]? body)
    {
        Uri = uri;
        Headers = headers;
        Body = body;
    }

    public Uri Uri { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>UTF-8 JSON, or null for no body.</summary>
    public byte[]? Body { get; }

    /// <summary>Builds the URI, headers and body; on bad arguments returns false with a message for the model.</summary>
    public static bool TryCreate(BackendCall call, JsonElement arguments, out BackendRequest? request, out string error)
    {
        request = null;
        error = string.Empty;
        if (arguments.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            arguments = EmptyObject;
        }

        if (arguments.ValueKind != JsonValueKind.Object)
        {
            error = "The arguments must be a JSON object.";
            return false;
        }

        var pathValues = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in call.Path.Variables)
        {
            if (!TryGetPresent(arguments, variable, out var value))
            {
                error = $"'{variable}' is required.";
                return false;
            }

            var text = ToText(value);
            if (text.Length == 0 || text is "." or "..")
            {
                error = $"'{variable}' must not be empty, '.' or '..'.";
                return false;
            }

            pathValues[variable] = text;
        }

        var target = new StringBuilder(call.Path.Expand(pathValues));
        var hasQuery = call.Path.FixedQuery is not null;
        foreach (var (name, argument) in call.Query)
        {
            if (!TryGetPresent(arguments, argument, out var value))
            {
                continue;
            }

            IEnumerable<JsonElement> items = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [value];
            foreach (var item in items.Where(i => i.ValueKind != JsonValueKind.Null))
            {
                target.Append(hasQuery ? '&' : '?').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(ToText(item)));
                hasQuery = true;
            }
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, argument) in call.Headers)
        {
            if (TryGetPresent(arguments, argument, out var value))
            {
                var text = ToText(value);
                if (text.Any(char.IsControl))
                {
                    error = $"'{argument}' must not contain control characters.";
                    return false;
                }

                headers.Add(new(name, text));
            }
        }

        var baseText = call.Backend.BaseUri.AbsoluteUri.TrimEnd('/');
        request = new BackendRequest(new Uri(baseText + target, UriKind.Absolute), headers, BuildBody(call, arguments));
        return true;
    }

    private static byte[]? BuildBody(BackendCall call, JsonElement arguments)
    {
        if (call.Channel is { } channel)
        {
            // The device edge's call envelope (README.md, "Agent channel"): the agent gets the arguments exactly as the caller sent them.
            return JsonSerializer.SerializeToUtf8Bytes(new ChannelEnvelope(channel.Tool, arguments, channel.TimeoutSeconds), ChannelEnvelope.JsonOptions);
        }

        switch (call.Body.Kind)
        {
            case BodyKind.None:
                return null;
            case BodyKind.Argument:
                return arguments.TryGetProperty(call.Body.Argument!, out var whole) ? JsonSerializer.SerializeToUtf8Bytes(whole) : null;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (call.Body.Kind == BodyKind.Arguments)
            {
                var consumed = new HashSet<string>(call.NonBodyArguments, StringComparer.Ordinal);
                foreach (var property in arguments.EnumerateObject().Where(p => !consumed.Contains(p.Name)))
                {
                    property.WriteTo(writer);
                }
            }
            else
            {
                foreach (var (name, argument) in call.Body.Properties)
                {
                    if (arguments.TryGetProperty(argument, out var value))
                    {
                        writer.WritePropertyName(name);
                        value.WriteTo(writer);
                    }
                }
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static bool TryGetPresent(JsonElement arguments, string name, out JsonElement value) =>
        arguments.TryGetProperty(name, out value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);

    /// <summary>Strings as they are; numbers, booleans, objects and arrays as their JSON text.</summary>
    private static string ToText(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Uri.GetLeftPart(UriPartial.Path)} ({Headers.Count} headers, body {Body?.Length ?? 0} bytes)");
}

/// <summary>The body of <c>POST /agents/{id}/calls</c>.</summary>
internal sealed record ChannelEnvelope(string Tool, JsonElement Arguments, int TimeoutSeconds)
{
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web);
}
