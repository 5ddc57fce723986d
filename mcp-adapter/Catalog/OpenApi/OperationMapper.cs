using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Facade.McpAdapter.Catalog.OpenApi;

/// <summary>
/// One OpenAPI operation → a catalog tool entry: path, query and header parameters and the JSON body become the
/// input schema (an object body's properties are flattened unless they clash, otherwise it sits under <c>body</c>);
/// scopes come from <c>x-scopes</c>, else the operation's security requirement, else the document's.
/// </summary>
internal static class OperationMapper
{
    private static readonly string[] IgnoredHeaders = ["Accept", "Content-Type", "Authorization"];

    public static JsonObject? ToToolEntry(OperationInfo info, OpenApiDocument document, OpenApiSchemaConverter converter, string prefix, string? backend, string label, CatalogErrors errors)
    {
        converter.Reset();
        var problems = new List<string>();
        var operation = info.Operation;
        var properties = new JsonObject();
        var required = new List<string>();
        var query = new JsonObject();
        var headers = new JsonObject();

        foreach (var parameter in MergedParameters(info, problems))
        {
            if (parameter.In == ParameterLocation.Header && IgnoredHeaders.Contains(parameter.Name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (parameter.In == ParameterLocation.Cookie)
            {
                problems.Add($"cookie parameter '{parameter.Name}' is not supported");
                continue;
            }

            var name = parameter.Name!;
            if (properties.ContainsKey(name))
            {
                problems.Add($"parameter name '{name}' is used twice (in different locations)");
                continue;
            }

            var schema = ParameterSchema(parameter, converter, problems);
            if (!string.IsNullOrWhiteSpace(parameter.Description) && !schema.ContainsKey("description"))
            {
                schema["description"] = parameter.Description;
            }

            properties[name] = schema;
            if (parameter.Required || parameter.In == ParameterLocation.Path)
            {
                required.Add(name);
            }

            if (parameter.In == ParameterLocation.Query)
            {
                query[name] = name;
            }
            else if (parameter.In == ParameterLocation.Header)
            {
                headers[name] = name;
            }
        }

        var body = MapBody(operation.RequestBody, converter, properties, required, problems);
        var inputSchema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
        };
        if (required.Count > 0)
        {
            inputSchema["required"] = new JsonArray([.. required.Distinct(StringComparer.Ordinal).Select(r => (JsonNode)r)]);
        }

        if (body.AdditionalProperties is { } additional)
        {
            inputSchema["additionalProperties"] = additional;
        }

        if (converter.Definitions(problems) is { } definitions)
        {
            inputSchema["$defs"] = definitions;
        }

        var scopes = Scopes(operation, document, problems);
        foreach (var problem in problems.Distinct(StringComparer.Ordinal))
        {
            errors.Add(label, problem);
        }

        if (problems.Count > 0)
        {
            return null;
        }

        var call = new JsonObject
        {
            ["method"] = info.Method.Method,
            ["path"] = info.Path,
            ["body"] = body.Mapping,
        };
        if (backend is not null)
        {
            call["backend"] = backend;
        }

        if (query.Count > 0)
        {
            call["query"] = query;
        }

        if (headers.Count > 0)
        {
            call["headers"] = headers;
        }

        var entry = new JsonObject
        {
            ["name"] = prefix + Sanitize(info.BaseName),
            ["description"] = Description(info),
            ["inputSchema"] = inputSchema,
            ["scopes"] = new JsonArray([.. scopes.Select(s => (JsonNode)s)]),
            ["call"] = call,
        };
        if (!string.IsNullOrWhiteSpace(operation.Summary))
        {
            entry["title"] = operation.Summary.Trim();
        }

        return entry;
    }

    /// <summary>Operation parameters override path-item ones with the same name and location.</summary>
    private static List<IOpenApiParameter> MergedParameters(OperationInfo info, List<string> problems)
    {
        var merged = new List<IOpenApiParameter>();
        foreach (var parameter in (info.Operation.Parameters ?? []).Concat(info.PathParameters))
        {
            if (parameter is OpenApiParameterReference { Target: null } reference)
            {
                problems.Add($"parameter $ref '{reference.Reference?.ReferenceV3}' does not resolve");
                continue;
            }

            if (string.IsNullOrWhiteSpace(parameter.Name) || parameter.In is null)
            {
                problems.Add("a parameter has no name or location");
                continue;
            }

            if (!merged.Any(p => p.Name == parameter.Name && p.In == parameter.In))
            {
                merged.Add(parameter);
            }
        }

        return merged;
    }

    private static JsonObject ParameterSchema(IOpenApiParameter parameter, OpenApiSchemaConverter converter, List<string> problems)
    {
        if (parameter.Schema is { } schema)
        {
            return converter.Convert(schema, problems);
        }

        if (parameter.Content?.Values.FirstOrDefault()?.Schema is { } contentSchema)
        {
            return converter.Convert(contentSchema, problems);
        }

        return new JsonObject { ["type"] = "string" };
    }

    private static BodyShape MapBody(IOpenApiRequestBody? requestBody, OpenApiSchemaConverter converter, JsonObject properties, List<string> required, List<string> problems)
    {
        if (requestBody is null)
        {
            // Parameters only: an unknown argument is a typo the model should hear about.
            return new BodyShape("none", JsonValue.Create(false));
        }

        if (requestBody is OpenApiRequestBodyReference { Target: null })
        {
            problems.Add("requestBody $ref does not resolve");
            return new BodyShape("none", null);
        }

        var content = requestBody.Content ?? new Dictionary<string, IOpenApiMediaType>();
        var json = content.FirstOrDefault(c => IsJson(c.Key));
        if (json.Key is null)
        {
            if (content.Count > 0)
            {
                problems.Add($"request body media type {string.Join(", ", content.Keys)} is not supported (only JSON)");
            }

            return new BodyShape("none", null);
        }

        var schema = json.Value.Schema is { } s ? converter.Convert(s, problems) : new JsonObject { ["type"] = "object" };
        DropReadOnlyProperties(schema);
        if (CanFlatten(schema, properties))
        {
            foreach (var (name, value) in (JsonObject)schema["properties"]!)
            {
                properties[name] = value!.DeepClone();
            }

            if (requestBody.Required && schema["required"] is JsonArray inner)
            {
                required.AddRange(inner.Select(r => r!.GetValue<string>()));
            }

            var additional = schema["additionalProperties"]?.DeepClone();
            return new BodyShape("arguments", additional);
        }

        var bodyName = properties.ContainsKey("body") ? "requestBody" : "body";
        if (!string.IsNullOrWhiteSpace(requestBody.Description) && !schema.ContainsKey("description"))
        {
            schema["description"] = requestBody.Description;
        }

        properties[bodyName] = schema;
        if (requestBody.Required)
        {
            required.Add(bodyName);
        }

        return new BodyShape(new JsonObject { ["argument"] = bodyName }, JsonValue.Create(false));
    }

    /// <summary>A plain object body whose property names do not clash with the parameters.</summary>
    private static bool CanFlatten(JsonObject schema, JsonObject parameters) =>
        schema["type"] is JsonValue type && type.TryGetValue<string>(out var typeName) && typeName == "object"
        && schema["properties"] is JsonObject bodyProperties && bodyProperties.Count > 0
        && !schema.ContainsKey("allOf") && !schema.ContainsKey("anyOf") && !schema.ContainsKey("oneOf") && !schema.ContainsKey("$ref")
        && !schema.ContainsKey("patternProperties") && !schema.ContainsKey("if")
        && bodyProperties.All(p => !parameters.ContainsKey(p.Key));

    /// <summary>OpenAPI: readOnly properties are not sent in requests, so they are not tool arguments either.</summary>
    private static void DropReadOnlyProperties(JsonObject schema)
    {
        if (schema["properties"] is not JsonObject properties)
        {
            return;
        }

        var readOnly = properties.Where(p => p.Value is JsonObject o && o["readOnly"] is JsonValue v && v.TryGetValue<bool>(out var b) && b).Select(p => p.Key).ToList();
        foreach (var name in readOnly)
        {
            properties.Remove(name);
        }

        if (schema["required"] is JsonArray list && readOnly.Count > 0)
        {
            schema["required"] = new JsonArray([.. list.Where(r => !readOnly.Contains(r!.GetValue<string>())).Select(r => r!.DeepClone())]);
        }
    }

    private static List<string> Scopes(OpenApiOperation operation, OpenApiDocument document, List<string> problems)
    {
        if (operation.Extensions?.TryGetValue("x-scopes", out var extension) == true)
        {
            if (extension is JsonNodeExtension { Node: JsonArray array } && array.All(n => n is JsonValue v && v.TryGetValue<string>(out _)))
            {
                return [.. array.Select(n => n!.GetValue<string>())];
            }

            if (extension is JsonNodeExtension { Node: JsonValue value } && value.TryGetValue<string>(out var text))
            {
                return [.. text.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
            }

            problems.Add("x-scopes must be an array of scope strings or a space-separated string");
            return [];
        }

        // The first security requirement (alternatives are OR-ed; a tool needs one fixed list): all its schemes' scopes.
        var requirements = operation.Security ?? document.Security ?? [];
        return requirements.Count == 0 ? [] : [.. requirements[0].Values.SelectMany(s => s).Distinct(StringComparer.Ordinal)];
    }

    private static string Description(OperationInfo info)
    {
        var parts = new[] { info.Operation.Summary, info.Operation.Description }
            .Where(p => !string.IsNullOrWhiteSpace(p))
            .Select(p => p!.Trim())
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return parts.Count == 0 ? $"{info.Method.Method} {info.Path}" : string.Join("\n\n", parts);
    }

    /// <summary>Characters MCP tool names do not allow become '_'.</summary>
    private static string Sanitize(string name) =>
        new([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_')]);

    private static bool IsJson(string mediaType)
    {
        var type = mediaType.Split(';')[0].Trim();
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    private sealed record BodyShape(JsonNode Mapping, JsonNode? AdditionalProperties);
}
