using System.Text.Json;
using System.Text.RegularExpressions;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// One tool entry: <c>{ "name", "title", "description", "inputSchema", "outputSchema", "scopes", "annotations",
/// "inDefaultServer", "call" }</c>.
/// </summary>
internal static partial class ToolParser
{
    private static readonly JsonElement EmptyObjectSchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

    public static ToolDefinition? Parse(JsonElement element, string label, CatalogContext context, bool inDefaultServerByDefault = true)
    {
        var entry = new JsonEntry(element, label, context.Errors);
        if (!entry.IsObject)
        {
            return null;
        }

        var before = context.Errors.Count;
        var name = entry.String("name", required: true);
        if (name is not null && !ToolName().IsMatch(name))
        {
            entry.Error($"name '{name}' is not a valid MCP tool name (1-64 characters: letters, digits, '_', '-', '.')");
        }

        var title = entry.String("title");
        var description = entry.String("description", required: true);
        var inputSchema = entry.Element("inputSchema") ?? EmptyObjectSchema;
        var problems = new List<string>();
        var compiled = SchemaCompiler.TryCompileObjectSchema(inputSchema, problems);
        problems.ForEach(p => entry.Error($"inputSchema {p}"));

        JsonElement? outputSchema = null;
        if (entry.Element("outputSchema") is { } output)
        {
            var outputProblems = new List<string>();
            SchemaCompiler.TryCompileObjectSchema(output, outputProblems);
            outputProblems.ForEach(p => entry.Error($"outputSchema {p}"));
            outputSchema = output.Clone();
        }

        var scopes = context.ReadScopes(entry, "scopes", required: true);
        var inDefaultServer = entry.Bool("inDefaultServer") ?? inDefaultServerByDefault;
        var call = CallParser.Read(entry, context, CallArguments.FromSchema(inputSchema));
        var hints = ReadHints(entry, call?.Method);
        entry.ReportUnknown();

        if (context.Errors.Count > before || call is null || compiled is null || hints is null)
        {
            return null;
        }

        return new ToolDefinition
        {
            Name = name!,
            Title = title,
            Description = description!,
            InputSchema = inputSchema.Clone(),
            OutputSchema = outputSchema,
            Scopes = scopes,
            Annotations = hints,
            Call = call,
            InDefaultServer = inDefaultServer,
            Source = label,
            CompiledInputSchema = compiled,
        };
    }

    /// <summary>Explicit hints win; the rest are inferred from the HTTP method.</summary>
    private static ToolHints? ReadHints(JsonEntry entry, HttpMethod? method)
    {
        var inferred = method is null ? null : ToolHints.Infer(method);
        var annotations = entry.Child("annotations");
        if (annotations is null)
        {
            return inferred;
        }

        if (!annotations.IsObject)
        {
            return null;
        }

        var readOnly = annotations.Bool("readOnlyHint");
        var destructive = annotations.Bool("destructiveHint");
        var idempotent = annotations.Bool("idempotentHint");
        var openWorld = annotations.Bool("openWorldHint");
        annotations.ReportUnknown();
        if (readOnly == true && destructive == true)
        {
            annotations.Error("annotations: a tool cannot be both readOnlyHint and destructiveHint");
        }

        return inferred is null
            ? null
            : new ToolHints(
                readOnly ?? inferred.ReadOnly,
                readOnly == true ? false : destructive ?? inferred.Destructive,
                idempotent ?? (readOnly == true || inferred.Idempotent),
                openWorld ?? inferred.OpenWorld);
    }

    [GeneratedRegex("^[a-zA-Z0-9_.-]{1,64}$")]
    internal static partial Regex ToolName();
}
