using Facade.McpAdapter.Catalog.Format;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// <c>prompts[i]</c> (shape checked by <c>catalog.schema.json</c>, <c>$defs/prompt</c>): parses the template and checks
/// that it uses only declared arguments, each declared once, and that its scopes are known.
/// </summary>
internal static class PromptParser
{
    public static PromptDefinition? Parse(PromptSpec spec, string label, CatalogContext context)
    {
        var before = context.Errors.Count;
        var arguments = new List<PromptArgumentDefinition>();
        foreach (var argument in (spec.Arguments ?? []).OfType<PromptArgumentSpec>().Where(a => a.Name is not null))
        {
            if (arguments.Any(a => a.Name == argument.Name))
            {
                context.Errors.Add(label, $"duplicate argument '{argument.Name}'");
            }
            else
            {
                arguments.Add(new PromptArgumentDefinition(argument.Name!, argument.Title, argument.Description, argument.Required ?? false));
            }
        }

        PromptTemplate? template = null;
        if (spec.Template is { } text)
        {
            if (!PromptTemplate.TryParse(text, out template, out var error))
            {
                context.Errors.Add(label, error);
            }
            else
            {
                foreach (var used in template!.ArgumentNames.Where(n => arguments.All(a => a.Name != n)))
                {
                    context.Errors.Add(label, $"template uses {{{{{used}}}}}, which is not a declared argument");
                }
            }
        }

        var scopes = context.CheckScopes(spec.Scopes, label);
        if (context.Errors.Count > before || template is null || spec.Name is null || spec.Description is null)
        {
            return null;
        }

        return new PromptDefinition
        {
            Name = spec.Name,
            Title = spec.Title,
            Description = spec.Description,
            Arguments = arguments,
            Template = template,
            Scopes = scopes,
            Source = label,
        };
    }
}
