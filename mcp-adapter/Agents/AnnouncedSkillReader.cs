using System.Text.Json;
using System.Text.RegularExpressions;
using Facade.McpAdapter.Backend;
using Facade.McpAdapter.Catalog;

namespace Facade.McpAdapter.Agents;

/// <summary>
/// Turns the device edge's <c>GET /agents/{id}/skills</c> answer (<c>{"version", "skills": [{name, description,
/// inputSchema, scopes}], "online"}</c>, README.md, "Agent channel") into tools answered on the agent's channel. A skill the
/// catalog could not have declared (bad name, schema that is not an object schema) is left out, never guessed at.
/// </summary>
internal static partial class AnnouncedSkillReader
{
    /// <summary>More than this many skills from one runtime are ignored: a list a model can use is far shorter.</summary>
    public const int MaxSkills = 256;

    private static readonly JsonElement EmptyObjectSchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

    public static IReadOnlyList<ToolDefinition> Read(AnnouncedSkillsSource source, JsonElement? answer, ICollection<string> skipped)
    {
        if (answer is not { ValueKind: JsonValueKind.Object } root
            || !root.TryGetProperty("skills", out var skills) || skills.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var tools = new List<ToolDefinition>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var skill in skills.EnumerateArray().Take(MaxSkills))
        {
            if (Read(source, skill, skipped) is { } tool && names.Add(tool.Name))
            {
                tools.Add(tool);
            }
        }

        return tools;
    }

    private static ToolDefinition? Read(AnnouncedSkillsSource source, JsonElement skill, ICollection<string> skipped)
    {
        if (skill.ValueKind != JsonValueKind.Object || Text(skill, "name") is not { } name || !ToolName().IsMatch(name))
        {
            skipped.Add("a skill without a valid name");
            return null;
        }

        var inputSchema = skill.TryGetProperty("inputSchema", out var schema) && schema.ValueKind != JsonValueKind.Null ? schema : EmptyObjectSchema;
        var problems = new List<string>();
        if (SchemaCompiler.TryCompileObjectSchema(inputSchema, problems) is not { } compiled)
        {
            skipped.Add($"'{name}' (inputSchema {string.Join("; ", problems)})");
            return null;
        }

        var scopes = skill.TryGetProperty("scopes", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(s.GetString()))
                .Select(s => s.GetString()!).Distinct(StringComparer.Ordinal).ToList()
            : [];
        var call = ChannelTarget.Call(source.Backend, source.AgentId, name, source.TimeoutSeconds);
        return new ToolDefinition
        {
            Name = name,
            Title = Text(skill, "title"),
            Description = Text(skill, "description") ?? $"A skill announced by the agent '{source.AgentId}'.",
            InputSchema = inputSchema.Clone(),
            Scopes = scopes,
            Annotations = ToolHints.Infer(call.Method),
            Call = call,
            InDefaultServer = false,
            Source = $"agents.{source.AgentId}: announced by its runtime",
            CompiledInputSchema = compiled,
        };
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [GeneratedRegex("^[a-zA-Z0-9_.-]{1,64}$")]
    private static partial Regex ToolName();
}
