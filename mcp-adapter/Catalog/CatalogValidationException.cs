namespace Facade.McpAdapter.Catalog;

/// <summary>The catalog (or a document it imports) is invalid. <see cref="Errors"/> lists every problem, each naming its entry.</summary>
public sealed class CatalogValidationException : Exception
{
    public CatalogValidationException()
        : this("The tool catalog is invalid.", [])
    {
    }

    public CatalogValidationException(string message)
        : this(message, [])
    {
    }

    public CatalogValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public CatalogValidationException(string source, IReadOnlyList<string> errors)
        : base(Format(source, errors))
    {
        Errors = errors;
    }

    /// <summary>One line per problem, e.g. <c>tools[3] 'create_task': scope 'tasks:admin' is not a known scope</c>.</summary>
    public IReadOnlyList<string> Errors { get; }

    private static string Format(string source, IReadOnlyList<string> errors) =>
        errors.Count == 0
            ? source
            : $"The tool catalog '{source}' is invalid ({errors.Count} {(errors.Count == 1 ? "error" : "errors")}):{Environment.NewLine}"
              + string.Join(Environment.NewLine, errors.Select(e => " - " + e));
}
