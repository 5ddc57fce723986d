using System.Text.Json;
using Json.Pointer;
using Json.Schema;

namespace Facade.McpAdapter.Catalog.Format;

/// <summary>
/// Checks catalog JSON against <c>catalog/catalog.schema.json</c> (embedded in the assembly) and turns every failure
/// into a message that names the entry and the property: <c>tools[3] 'create_task': call.method 'FETCH' is not
/// supported (use GET, POST, PUT, PATCH or DELETE)</c>. A subschema's <c>errorMessage</c> (the keyword VS Code also
/// shows) replaces the messages of everything under it; <c>requiredMessage</c> is added to "is required".
/// </summary>
internal static class CatalogSchema
{
    public const string ResourceName = "catalog.schema.json";

    private static readonly EvaluationOptions Hierarchical = new() { OutputFormat = OutputFormat.Hierarchical };

    private static readonly Lazy<(JsonElement Text, JsonSchema Catalog, JsonSchema Tool)> Schemas = new(Load);

    /// <summary>The schema as written, for reading <c>errorMessage</c> and friends.</summary>
    public static JsonElement Text => Schemas.Value.Text;

    /// <summary>Validates a whole catalog document; messages are labelled by the entry they are in.</summary>
    public static void Validate(JsonElement document, CatalogErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Report(Schemas.Value.Catalog.Evaluate(document, Hierarchical), document, pointer => EntryLabels.Split(document, pointer), errors);
    }

    /// <summary>Validates one tool entry made by code (an OpenAPI import) against the same rules, under <paramref name="label"/>.</summary>
    public static void ValidateTool(JsonElement entry, string label, CatalogErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Report(Schemas.Value.Tool.Evaluate(entry, Hierarchical), entry, pointer => (label, pointer), errors);
    }

    private static (JsonElement, JsonSchema, JsonSchema) Load()
    {
        using var stream = typeof(CatalogSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var document = JsonDocument.Parse(stream);
        var text = document.RootElement.Clone();
        var options = new BuildOptions { Dialect = Dialect.Draft202012, SchemaRegistry = new SchemaRegistry() };
        var catalog = JsonSchema.Build(text, options);
        var id = text.GetProperty("$id").GetString();
        var tool = JsonSchema.Build(JsonDocument.Parse($$"""{ "$ref": "{{id}}#/$defs/tool" }""").RootElement.Clone(), options);
        return (text, catalog, tool);
    }

    private static void Report(EvaluationResults results, JsonElement instance, Func<JsonPointer, (string Label, JsonPointer Path)> split, CatalogErrors errors)
    {
        var messages = new List<string>();
        Collect(results, instance, split, messages);
        foreach (var message in messages.Distinct(StringComparer.Ordinal))
        {
            errors.Add(message);
        }
    }

    private static void Collect(EvaluationResults node, JsonElement instance, Func<JsonPointer, (string Label, JsonPointer Path)> split, List<string> messages)
    {
        // An "if" that does not match only picks "else"; it is no error of the document.
        if (node.IsValid || node.EvaluationPath.ToString().EndsWith("/if", StringComparison.Ordinal))
        {
            return;
        }

        var schema = SchemaResults.Subschema(Text, node);
        var value = node.InstanceLocation.Evaluate(instance);
        var (label, path) = split(node.InstanceLocation);
        var subject = SchemaResults.DisplayPath(path);
        if (schema is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty("errorMessage", out var custom) && custom.ValueKind == JsonValueKind.String)
        {
            // Under propertyNames the failing value is the name, which the label already shows.
            var named = node.EvaluationPath.ToString().EndsWith("/propertyNames", StringComparison.Ordinal);
            messages.Add($"{label}: {Subject(subject, ShowsValue(s, value) && !named ? value : null)}{custom.GetString()}");
            return;
        }

        foreach (var (keyword, text) in node.Errors ?? [])
        {
            messages.AddRange(Explain(keyword, text, node, schema, value, subject).Select(m => $"{label}: {m}"));
        }

        foreach (var child in node.Details ?? [])
        {
            Collect(child, instance, split, messages);
        }
    }

    private static IEnumerable<string> Explain(string keyword, string fallback, EvaluationResults node, JsonElement? schema, JsonElement? value, string subject)
    {
        string? Keyword(string name) => schema is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty(name, out var v) ? Describe(v) : null;

        switch (keyword)
        {
            case "" or "false" when node.EvaluationPath.ToString().EndsWith("Properties", StringComparison.Ordinal):
                return [$"unknown property '{subject}'"];
            case "required" when schema is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty("required", out var required):
                return required.EnumerateArray()
                    .Select(r => r.GetString()!)
                    .Where(name => value is not { ValueKind: JsonValueKind.Object } v || !v.TryGetProperty(name, out _))
                    .Select(name => $"{Join(subject, name)} is required{RequiredMessage(s, name)}");
            case "type" when schema is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty("type", out var type):
                return [$"{Subject(subject, null)}must be {TypeWords(type)}"];
            case "enum" when schema is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty("enum", out var values):
                return [$"{Subject(subject, value)}must be one of: {string.Join(", ", values.EnumerateArray().Select(Describe))}"];
            case "pattern" when Keyword("pattern") is { } pattern:
                return [$"{Subject(subject, value)}must match the pattern {pattern}"];
            case "minItems" when Keyword("minItems") is { } limit:
                return [$"{Subject(subject, null)}must have at least {limit} items"];
            case "" or "false":
                return [$"{Subject(subject, null)}is not allowed here"];
            default:
                return [$"{Subject(subject, null)}{fallback}"];
        }
    }

    /// <summary>The value is quoted after the property when the schema is about its text (a name, a method, a URI).</summary>
    private static bool ShowsValue(JsonElement schema, JsonElement? value) =>
        value is { ValueKind: JsonValueKind.String } v && v.GetString()!.Length > 0
        && (schema.TryGetProperty("enum", out _) || schema.TryGetProperty("pattern", out _)
            || (schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "string"));

    private static string Subject(string path, JsonElement? value) =>
        (path, value) switch
        {
            ("", null) => string.Empty,
            ("", { } v) => $"'{v.GetString()}' ",
            (_, null) => path + " ",
            (_, { } v) => $"{path} '{v.GetString()}' ",
        };

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string RequiredMessage(JsonElement schema, string property) =>
        schema.TryGetProperty("properties", out var properties) && properties.TryGetProperty(property, out var definition)
        && definition.ValueKind == JsonValueKind.Object && definition.TryGetProperty("requiredMessage", out var message)
            ? " " + message.GetString()
            : string.Empty;

    private static string TypeWords(JsonElement type)
    {
        IEnumerable<string> names = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!) : [type.GetString()!];
        return string.Join(" or ", names.Select(name => name switch
        {
            "object" => "a JSON object",
            "array" => "an array",
            "boolean" => "true or false",
            "integer" => "an integer",
            "null" => "null",
            _ => "a " + name,
        }));
    }

    private static string Describe(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
}
