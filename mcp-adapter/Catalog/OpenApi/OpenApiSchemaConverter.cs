using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Facade.McpAdapter.Catalog.OpenApi;

/// <summary>
/// Turns OpenAPI schemas into self-contained JSON Schema 2020-12: <c>#/components/schemas/*</c> references are
/// inlined (recursive ones become <c>$defs</c>), OpenAPI-only keywords (<c>discriminator</c>, <c>xml</c>,
/// <c>externalDocs</c>, <c>example</c>, <c>x-*</c>) are dropped, and 3.0 <c>nullable</c> becomes a type list.
/// </summary>
internal sealed class OpenApiSchemaConverter
{
    private const string ComponentPrefix = "#/components/schemas/";

    /// <summary>Keywords whose value is one subschema.</summary>
    private static readonly HashSet<string> SchemaKeywords = new(StringComparer.Ordinal)
    {
        "items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
        "unevaluatedProperties", "unevaluatedItems", "contentSchema",
    };

    /// <summary>Keywords whose value maps names to subschemas.</summary>
    private static readonly HashSet<string> SchemaMapKeywords = new(StringComparer.Ordinal)
    {
        "properties", "patternProperties", "$defs", "definitions", "dependentSchemas",
    };

    /// <summary>Keywords whose value is an array of subschemas.</summary>
    private static readonly HashSet<string> SchemaArrayKeywords = new(StringComparer.Ordinal) { "allOf", "anyOf", "oneOf", "prefixItems" };

    private static readonly HashSet<string> OpenApiOnlyKeywords = new(StringComparer.Ordinal) { "discriminator", "xml", "externalDocs", "example", "nullable" };

    private readonly Dictionary<string, JsonNode> _components = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _definitions = new(StringComparer.Ordinal);

    public OpenApiSchemaConverter(OpenApiDocument document)
    {
        foreach (var (name, schema) in document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
        {
            _components[name] = Serialize(schema);
        }
    }

    /// <summary>Starts a new tool: forgets the <c>$defs</c> collected for the previous one.</summary>
    public void Reset() => _definitions.Clear();

    public JsonObject Convert(IOpenApiSchema schema, List<string> problems) =>
        Inline(Serialize(schema), [], problems) as JsonObject ?? [];

    /// <summary>The <c>$defs</c> the converted schemas refer to (recursive components), or null.</summary>
    public JsonObject? Definitions(List<string> problems)
    {
        if (_definitions.Count == 0)
        {
            return null;
        }

        var result = new JsonObject();
        var pending = new Queue<string>(_definitions);
        while (pending.TryDequeue(out var name))
        {
            if (result.ContainsKey(name))
            {
                continue;
            }

            result[name] = Inline(_components[name].DeepClone(), [name], problems);
            foreach (var added in _definitions.Where(d => !result.ContainsKey(d)).ToList())
            {
                pending.Enqueue(added);
            }
        }

        return result;
    }

    private static JsonNode Serialize(IOpenApiSchema schema)
    {
        using var text = new StringWriter();
        schema.SerializeAsV31(new OpenApiJsonWriter(text));
        return JsonNode.Parse(text.ToString()) ?? new JsonObject();
    }

    private JsonNode Inline(JsonNode node, HashSet<string> stack, List<string> problems)
    {
        if (node is not JsonObject schema)
        {
            return node.DeepClone();
        }

        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            return InlineReference(schema, reference, stack, problems);
        }

        var result = new JsonObject();
        foreach (var (key, value) in schema)
        {
            if (OpenApiOnlyKeywords.Contains(key) || key.StartsWith("x-", StringComparison.Ordinal) || value is null)
            {
                continue;
            }

            if (SchemaKeywords.Contains(key))
            {
                result[key] = Inline(value, stack, problems);
            }
            else if (SchemaMapKeywords.Contains(key) && value is JsonObject map)
            {
                var converted = new JsonObject();
                foreach (var (name, subschema) in map)
                {
                    converted[name] = subschema is null ? null : Inline(subschema, stack, problems);
                }

                result[key] = converted;
            }
            else if (SchemaArrayKeywords.Contains(key) && value is JsonArray list)
            {
                result[key] = new JsonArray([.. list.Select(item => item is null ? null : Inline(item, stack, problems))]);
            }
            else
            {
                result[key] = value.DeepClone();
            }
        }

        return result;
    }

    private JsonNode InlineReference(JsonObject schema, string reference, HashSet<string> stack, List<string> problems)
    {
        if (!reference.StartsWith(ComponentPrefix, StringComparison.Ordinal))
        {
            problems.Add($"$ref '{reference}' is not supported (only {ComponentPrefix}…)");
            return new JsonObject();
        }

        var name = Uri.UnescapeDataString(reference[ComponentPrefix.Length..]).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
        if (!_components.TryGetValue(name, out var target))
        {
            problems.Add($"$ref '{reference}' does not resolve to a schema in components.schemas");
            return new JsonObject();
        }

        JsonObject resolved;
        if (stack.Contains(name))
        {
            _definitions.Add(name);
            resolved = new JsonObject { ["$ref"] = "#/$defs/" + name };
        }
        else
        {
            resolved = Inline(target.DeepClone(), [.. stack, name], problems) as JsonObject ?? [];
        }

        // OpenAPI 3.1 allows description/summary next to $ref; they describe this use and win.
        foreach (var (key, value) in schema.Where(p => p.Key != "$ref" && p.Value is not null && !OpenApiOnlyKeywords.Contains(p.Key)))
        {
            resolved[key] = value!.DeepClone();
        }

        return resolved;
    }
}
