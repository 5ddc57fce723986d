using Facade.McpAdapter.Catalog.Format;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// <c>resources[i]</c> and <c>resourceTemplates[i]</c> (shapes checked by <c>catalog.schema.json</c>): the URI
/// template, the scopes, and the read-only call that its variables (or nothing, for a fixed resource) feed.
/// </summary>
internal static class ResourceParser
{
    private const string DefaultMimeType = "application/json";

    public static ResourceDefinition? ParseResource(ResourceSpec spec, string label, CatalogContext context)
    {
        var before = context.Errors.Count;
        var scopes = context.CheckScopes(spec.Scopes, label);
        var call = CallParser.Read(spec.Call, label, context, CallArguments.None);
        if (context.Errors.Count > before || call is null || spec.Uri is null || spec.Name is null || spec.Scopes is null)
        {
            return null;
        }

        return new ResourceDefinition
        {
            Uri = spec.Uri,
            Name = spec.Name,
            Title = spec.Title,
            Description = spec.Description,
            MimeType = spec.MimeType ?? DefaultMimeType,
            Scopes = scopes,
            Call = call,
            Source = label,
        };
    }

    public static ResourceTemplateDefinition? ParseTemplate(ResourceSpec spec, string label, CatalogContext context)
    {
        var before = context.Errors.Count;
        UriTemplate? template = null;
        if (spec.UriTemplate is { } text && !UriTemplate.TryParseResource(text, out template, out var error))
        {
            context.Errors.Add(label, error);
        }

        var scopes = context.CheckScopes(spec.Scopes, label);
        var call = CallParser.Read(spec.Call, label, context, CallArguments.FromTemplate(template));
        if (context.Errors.Count > before || call is null || template is null || spec.Name is null || spec.Scopes is null)
        {
            return null;
        }

        return new ResourceTemplateDefinition
        {
            UriTemplate = template,
            Name = spec.Name,
            Title = spec.Title,
            Description = spec.Description,
            MimeType = spec.MimeType ?? DefaultMimeType,
            Scopes = scopes,
            Call = call,
            Source = label,
        };
    }
}
