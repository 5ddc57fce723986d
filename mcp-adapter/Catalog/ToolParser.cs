using System.Text.Json;
using Facade.McpAdapter.Catalog.Format;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// One tool entry (shape checked by <c>catalog.schema.json</c>, <c>$defs/tool</c>): compiles its schemas and checks
/// what refers to something else: scopes, the backend, and the call's use of the arguments.
/// </summary>
internal static class ToolParser
{
    private static readonly JsonElement EmptyObjectSchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

    public static ToolDefinition? Parse(ToolSpec spec, string label, CatalogContext context, bool inDefaultServerByDefault = true)
    {
        var before = context.Errors.Count;
        var inputSchema = spec.InputSchema ?? EmptyObjectSchema;
        var compiled = Compile(inputSchema, "inputSchema", label, context);
        if (spec.OutputSchema is { } output)
        {
            Compile(output, "outputSchema", label, context);
        }

        var scopes = context.CheckScopes(spec.Scopes, label);
        var call = CallParser.Read(spec.Call, label, context, CallArguments.FromSchema(inputSchema), spec.Name);
        if (context.Errors.Count > before || spec.Name is null || spec.Description is null || spec.Scopes is null || call is null || compiled is null)
        {
            return null;
        }

        return new ToolDefinition
        {
            Name = spec.Name,
            Title = spec.Title,
            Description = spec.Description,
            InputSchema = inputSchema.Clone(),
            OutputSchema = spec.OutputSchema?.Clone(),
            Scopes = scopes,
            Annotations = Hints(spec.Annotations, call.Method),
            Call = call,
            InDefaultServer = spec.InDefaultServer ?? inDefaultServerByDefault,
            Source = label,
            CompiledInputSchema = compiled,
        };
    }

    /// <summary>A schema that is not a JSON object was reported by the catalog schema; only objects are compiled.</summary>
    private static Json.Schema.JsonSchema? Compile(JsonElement schema, string property, string label, CatalogContext context)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var problems = new List<string>();
        var compiled = SchemaCompiler.TryCompileObjectSchema(schema, problems);
        problems.ForEach(p => context.Errors.Add(label, $"{property} {p}"));
        return compiled;
    }

    /// <summary>Explicit hints win; the rest are inferred from the HTTP method.</summary>
    private static ToolHints Hints(HintsSpec? hints, HttpMethod method)
    {
        var inferred = ToolHints.Infer(method);
        var readOnly = hints?.ReadOnlyHint;
        return new ToolHints(
            readOnly ?? inferred.ReadOnly,
            readOnly == true ? false : hints?.DestructiveHint ?? inferred.Destructive,
            hints?.IdempotentHint ?? (readOnly == true || inferred.Idempotent),
            hints?.OpenWorldHint ?? inferred.OpenWorld);
    }
}
