using System.Text.Json;
using Json.Pointer;
using Json.Schema;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// Checks call arguments against a tool's input schema (JsonSchema.Net) and explains each violation in words a
/// model can act on: <c>'title' is required</c>, <c>'status' must be one of: open, in_progress, done</c>. Never throws
/// for bad input.
/// </summary>
public static class ArgumentValidator
{
    // Valid arguments (the common case) are checked with the cheapest output format; only a failure is evaluated
    // again with the detailed one that the error messages are made from.
    private static readonly EvaluationOptions Quick = new() { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true };
    private static readonly EvaluationOptions Detailed = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>
    /// Validates <paramref name="arguments"/> (an object; null or undefined count as <c>{}</c>). Returns one message per
    /// problem, e.g. <c>'status' must be one of: open, in_progress, done</c>; empty when the arguments are valid.
    /// </summary>
    public static IReadOnlyList<string> Validate(ToolDefinition tool, JsonElement? arguments)
    {
        ArgumentNullException.ThrowIfNull(tool);
        var instance = arguments is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } given ? given : EmptyObject;
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return ["the arguments must be a JSON object"];
        }

        EvaluationResults results;
        try
        {
            if (tool.CompiledInputSchema.Evaluate(instance, Quick).IsValid)
            {
                return [];
            }

            results = tool.CompiledInputSchema.Evaluate(instance, Detailed);
        }
        catch (Exception ex) when (ex is JsonSchemaException or InvalidOperationException or ArgumentException or RefResolutionException)
        {
            return ["the tool's input schema could not be evaluated; this is a catalog problem, not an argument problem"];
        }

        if (results.IsValid)
        {
            return [];
        }

        var errors = new List<string>();
        foreach (var detail in SchemaResults.Flatten(results).Where(d => d.HasErrors()))
        {
            var subschema = SchemaResults.Subschema(tool.InputSchema, detail);
            foreach (var (keyword, message) in detail.Errors!)
            {
                errors.AddRange(Explain(keyword, message, detail.InstanceLocation, subschema, instance, detail.EvaluationPath.ToString()));
            }
        }

        if (errors.Count == 0)
        {
            errors.Add("the arguments do not match the tool's input schema");
        }

        return [.. errors.Distinct(StringComparer.Ordinal)];
    }

    private static IEnumerable<string> Explain(string keyword, string fallback, JsonPointer pointer, JsonElement? schema, JsonElement instance, string evaluationPath)
    {
        var path = SchemaResults.DisplayPath(pointer);
        var subject = path.Length == 0 ? "the arguments" : $"'{path}'";
        string? Keyword(string name) => schema is { } s && s.TryGetProperty(name, out var value) ? Describe(value) : null;

        switch (keyword)
        {
            case "required":
                var missing = Missing(schema, instance, pointer).ToList();
                if (missing.Count == 0)
                {
                    return [$"{subject}: {fallback}"];
                }

                return missing.Select(m => $"'{(path.Length == 0 ? m : path + "." + m)}' is required");
            case "type":
                return [$"{subject} must be {TypeWords(schema)}"];
            case "enum" when schema is { } s && s.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array:
                return [$"{subject} must be one of: {string.Join(", ", values.EnumerateArray().Select(Describe))}"];
            case "const" when Keyword("const") is { } constant:
                return [$"{subject} must be {constant}"];
            case "minimum" when Keyword("minimum") is { } limit:
                return [$"{subject} must be at least {limit}"];
            case "maximum" when Keyword("maximum") is { } limit:
                return [$"{subject} must be at most {limit}"];
            case "exclusiveMinimum" when Keyword("exclusiveMinimum") is { } limit:
                return [$"{subject} must be greater than {limit}"];
            case "exclusiveMaximum" when Keyword("exclusiveMaximum") is { } limit:
                return [$"{subject} must be less than {limit}"];
            case "minLength" when Keyword("minLength") is { } limit:
                return [$"{subject} must be at least {limit} characters long"];
            case "maxLength" when Keyword("maxLength") is { } limit:
                return [$"{subject} must be at most {limit} characters long"];
            case "pattern" when Keyword("pattern") is { } pattern:
                return [$"{subject} must match the pattern {pattern}"];
            case "format" when Keyword("format") is { } format:
                return [$"{subject} must be a valid {format}"];
            case "minItems" when Keyword("minItems") is { } limit:
                return [$"{subject} must have at least {limit} items"];
            case "maxItems" when Keyword("maxItems") is { } limit:
                return [$"{subject} must have at most {limit} items"];
            case "uniqueItems":
                return [$"{subject} must not contain duplicate items"];
            case "multipleOf" when Keyword("multipleOf") is { } divisor:
                return [$"{subject} must be a multiple of {divisor}"];
            case "" or "false" when evaluationPath.EndsWith("additionalProperties", StringComparison.Ordinal)
                || evaluationPath.EndsWith("unevaluatedProperties", StringComparison.Ordinal):
                return [pointer.SegmentCount == 1 ? $"{subject} is not a known argument" : $"{subject} is not an allowed property"];
            case "" or "false":
                return [$"{subject} is not allowed"];
            default:
                return [$"{subject}: {fallback}"];
        }
    }

    private static IEnumerable<string> Missing(JsonElement? schema, JsonElement root, JsonPointer pointer)
    {
        if (schema is not { } s || !s.TryGetProperty("required", out var required) || required.ValueKind != JsonValueKind.Array
            || pointer.Evaluate(root) is not { ValueKind: JsonValueKind.Object } value)
        {
            return [];
        }

        return required.EnumerateArray()
            .Where(r => r.ValueKind == JsonValueKind.String && !value.TryGetProperty(r.GetString()!, out _))
            .Select(r => r.GetString()!);
    }

    private static string TypeWords(JsonElement? schema)
    {
        if (schema is not { } s || !s.TryGetProperty("type", out var type))
        {
            return "of a different type";
        }

        IEnumerable<string> names = type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(t => t.GetString() ?? string.Empty)
            : [type.GetString() ?? string.Empty];
        return string.Join(" or ", names.Select(n => n switch
        {
            "integer" => "an integer",
            "object" => "an object",
            "array" => "an array",
            "boolean" => "true or false",
            "null" => "null",
            _ => "a " + n,
        }));
    }

    private static string Describe(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
}
