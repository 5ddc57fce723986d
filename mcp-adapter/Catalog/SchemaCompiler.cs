using System.Text.Json;
using Json.Pointer;
using Json.Schema;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// Checks and builds the JSON schemas of the catalog (JSON Schema 2020-12 unless <c>$schema</c> says otherwise):
/// keyword values must parse, the schema must pass the 2020-12 meta-schema, and every <c>$ref</c> must be local and resolve.
/// </summary>
internal static class SchemaCompiler
{
    private const string Draft202012 = "https://json-schema.org/draft/2020-12/schema";

    /// <summary>Builds an object schema; on failure returns the reasons (without the property name).</summary>
    public static JsonSchema? TryCompileObjectSchema(JsonElement schema, List<string> problems)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            problems.Add("must be a JSON object");
            return null;
        }

        if (!schema.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "object")
        {
            problems.Add("must have \"type\": \"object\"");
        }

        if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
            && schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (var name in required.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!))
            {
                if (!properties.TryGetProperty(name, out _))
                {
                    problems.Add($"required lists '{name}', which is not in properties");
                }
            }
        }

        CheckReferences(schema, schema, problems);
        if (problems.Count > 0)
        {
            return null;
        }

        JsonSchema compiled;
        try
        {
            // The built schema keeps the element, so it gets its own copy (the catalog document is disposed after loading);
            // and its own registry: tool schemas are separate documents, and a $id in one must not clash with another's.
            compiled = JsonSchema.Build(schema.Clone(), new BuildOptions { Dialect = Dialect.Draft202012, SchemaRegistry = new SchemaRegistry() });
        }
        catch (Exception ex) when (ex is JsonException or JsonSchemaException or ArgumentException or InvalidOperationException or FormatException)
        {
            problems.Add($"is not a valid JSON schema: {ex.Message}");
            return null;
        }

        var dialect = schema.TryGetProperty("$schema", out var declared) && declared.ValueKind == JsonValueKind.String ? declared.GetString() : Draft202012;
        if (dialect is Draft202012 or Draft202012 + "#")
        {
            var meta = MetaSchemas.Draft202012.Evaluate(schema, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (!meta.IsValid)
            {
                var reasons = SchemaResults.Flatten(meta)
                    .Where(d => d.HasErrors())
                    .SelectMany(d => d.Errors!.Select(e => $"{Where(d.InstanceLocation.ToString())}{e.Value}"))
                    .Distinct(StringComparer.Ordinal)
                    .Take(3);
                problems.Add($"is not a valid JSON schema: {string.Join("; ", reasons)}");
                return null;
            }
        }

        return compiled;
    }

    private static string Where(string pointer) => pointer.Length == 0 ? string.Empty : $"at {pointer}: ";

    /// <summary>Only local references are allowed, and each must point at something in the same document.</summary>
    private static void CheckReferences(JsonElement root, JsonElement node, List<string> problems)
    {
        switch (node.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in node.EnumerateObject())
                {
                    if (property.Name == "$ref" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        var reference = property.Value.GetString()!;
                        if (!reference.StartsWith('#'))
                        {
                            problems.Add($"$ref '{reference}' is not local; only references inside the schema (#/...) are supported");
                        }
                        else if (reference.StartsWith("#/", StringComparison.Ordinal) || reference == "#")
                        {
                            if (!JsonPointer.TryParse(Uri.UnescapeDataString(reference[1..]), out var pointer) || pointer.Evaluate(root) is null)
                            {
                                problems.Add($"$ref '{reference}' does not point at anything in the schema");
                            }
                        }
                    }
                    else if (property.Name is not ("enum" or "const" or "default" or "examples"))
                    {
                        CheckReferences(root, property.Value, problems);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in node.EnumerateArray())
                {
                    CheckReferences(root, item, problems);
                }

                break;
        }
    }
}
