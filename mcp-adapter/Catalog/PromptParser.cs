using System.Text.Json;
using System.Text.RegularExpressions;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// <c>prompts[i]</c>: <c>{ "name", "title", "description", "arguments": [{ "name", "title", "description", "required" }],
/// "template": "text with {{arg}}" (or an array of lines), "scopes" }</c>.
/// </summary>
internal static partial class PromptParser
{
    public static PromptDefinition? Parse(JsonElement element, string label, CatalogContext context)
    {
        var entry = new JsonEntry(element, label, context.Errors);
        if (!entry.IsObject)
        {
            return null;
        }

        var before = context.Errors.Count;
        var name = entry.String("name", required: true);
        if (name is not null && !ToolParser.ToolName().IsMatch(name))
        {
            entry.Error($"name '{name}' may only use letters, digits, '_', '-' and '.' (1-64 characters)");
        }

        var title = entry.String("title");
        var description = entry.String("description", required: true);
        var arguments = ReadArguments(entry);
        var template = ReadTemplate(entry, arguments);
        var scopes = context.ReadScopes(entry, "scopes", required: false);
        entry.ReportUnknown();
        if (context.Errors.Count > before || template is null)
        {
            return null;
        }

        return new PromptDefinition
        {
            Name = name!,
            Title = title,
            Description = description!,
            Arguments = arguments,
            Template = template,
            Scopes = scopes,
            Source = label,
        };
    }

    private static List<PromptArgumentDefinition> ReadArguments(JsonEntry entry)
    {
        var result = new List<PromptArgumentDefinition>();
        if (entry.Element("arguments") is not { } list)
        {
            return result;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            entry.Error("arguments must be an array");
            return result;
        }

        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var argument = new JsonEntry(item, entry.Label, entry.Errors, $"arguments[{index++}].");
            if (!argument.IsObject)
            {
                continue;
            }

            var name = argument.String("name", required: true);
            var title = argument.String("title");
            var description = argument.String("description");
            var required = argument.Bool("required") ?? false;
            argument.ReportUnknown();
            if (name is null)
            {
                continue;
            }

            if (!ArgumentName().IsMatch(name))
            {
                argument.Error($"argument name '{name}' may only use letters, digits, '_' and '-'");
            }
            else if (result.Any(a => a.Name == name))
            {
                argument.Error($"duplicate argument '{name}'");
            }
            else
            {
                result.Add(new PromptArgumentDefinition(name, title, description, required));
            }
        }

        return result;
    }

    private static PromptTemplate? ReadTemplate(JsonEntry entry, List<PromptArgumentDefinition> arguments)
    {
        string? text = null;
        switch (entry.Element("template", required: true))
        {
            case null:
                return null;
            case { ValueKind: JsonValueKind.String } single when !string.IsNullOrWhiteSpace(single.GetString()):
                text = single.GetString();
                break;
            case { ValueKind: JsonValueKind.Array } lines when lines.GetArrayLength() > 0 && lines.EnumerateArray().All(l => l.ValueKind == JsonValueKind.String):
                text = string.Join("\n", lines.EnumerateArray().Select(l => l.GetString()));
                break;
            default:
                entry.Error("template must be a non-empty string or an array of lines");
                return null;
        }

        if (!PromptTemplate.TryParse(text!, out var template, out var error))
        {
            entry.Error(error);
            return null;
        }

        foreach (var used in template!.ArgumentNames.Where(n => arguments.All(a => a.Name != n)))
        {
            entry.Error($"template uses {{{{{used}}}}}, which is not a declared argument");
        }

        return template;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ArgumentName();
}
