using System.Text.Json;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// <c>resources[i]</c>: <c>{ "uri", "name", "title", "description", "mimeType", "scopes", "call" }</c> and
/// <c>resourceTemplates[i]</c>: the same with <c>uriTemplate</c> instead of <c>uri</c>.
/// </summary>
internal static class ResourceParser
{
    private const string DefaultMimeType = "application/json";

    public static ResourceDefinition? ParseResource(JsonElement element, string label, CatalogContext context)
    {
        var entry = new JsonEntry(element, label, context.Errors);
        if (!entry.IsObject)
        {
            return null;
        }

        var before = context.Errors.Count;
        var uri = entry.String("uri", required: true);
        if (uri is not null && (!Uri.TryCreate(uri, UriKind.Absolute, out _) || uri.Contains('{', StringComparison.Ordinal)))
        {
            entry.Error($"uri '{uri}' must be an absolute URI without variables (use resourceTemplates for facade://tasks/{{id}})");
        }

        var (name, title, description, mimeType, scopes) = ReadCommon(entry, context);
        var call = CallParser.Read(entry, context, CallArguments.None);
        entry.ReportUnknown();
        if (context.Errors.Count > before || call is null)
        {
            return null;
        }

        return new ResourceDefinition
        {
            Uri = uri!,
            Name = name!,
            Title = title,
            Description = description,
            MimeType = mimeType,
            Scopes = scopes,
            Call = call,
            Source = label,
        };
    }

    public static ResourceTemplateDefinition? ParseTemplate(JsonElement element, string label, CatalogContext context)
    {
        var entry = new JsonEntry(element, label, context.Errors);
        if (!entry.IsObject)
        {
            return null;
        }

        var before = context.Errors.Count;
        UriTemplate? template = null;
        if (entry.String("uriTemplate", required: true) is { } text && !UriTemplate.TryParseResource(text, out template, out var error))
        {
            entry.Error(error);
        }

        var (name, title, description, mimeType, scopes) = ReadCommon(entry, context);
        var call = CallParser.Read(entry, context, CallArguments.FromTemplate(template));
        entry.ReportUnknown();
        if (context.Errors.Count > before || call is null || template is null)
        {
            return null;
        }

        return new ResourceTemplateDefinition
        {
            UriTemplate = template,
            Name = name!,
            Title = title,
            Description = description,
            MimeType = mimeType,
            Scopes = scopes,
            Call = call,
            Source = label,
        };
    }

    private static (string? Name, string? Title, string? Description, string MimeType, IReadOnlyList<string> Scopes) ReadCommon(JsonEntry entry, CatalogContext context)
    {
        var name = entry.String("name", required: true);
        if (name is not null && !ToolParser.ToolName().IsMatch(name))
        {
            entry.Error($"name '{name}' may only use letters, digits, '_', '-' and '.' (1-64 characters)");
        }

        var title = entry.String("title");
        var description = entry.String("description");
        var mimeType = entry.String("mimeType") ?? DefaultMimeType;
        var scopes = context.ReadScopes(entry, "scopes", required: true);
        return (name, title, description, mimeType, scopes);
    }
}
