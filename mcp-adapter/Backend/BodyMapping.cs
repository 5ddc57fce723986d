namespace Facade.McpAdapter.Backend;

public enum BodyKind
{
    /// <summary>No request body.</summary>
    None,

    /// <summary>The arguments object minus the arguments used for the path, query and headers.</summary>
    Arguments,

    /// <summary>One argument's value is the whole body (OpenAPI imports put a non-object body under <c>body</c>).</summary>
    Argument,

    /// <summary>A JSON object built from an explicit <c>body property → argument</c> map; absent arguments are left out.</summary>
    Map,
}

/// <summary>How the JSON request body is built from the tool arguments.</summary>
public sealed class BodyMapping
{
    public static BodyMapping None { get; } = new() { Kind = BodyKind.None };

    public static BodyMapping RemainingArguments { get; } = new() { Kind = BodyKind.Arguments };

    public required BodyKind Kind { get; init; }

    /// <summary>For <see cref="BodyKind.Argument"/>: the argument that is the body.</summary>
    public string? Argument { get; init; }

    /// <summary>For <see cref="BodyKind.Map"/>: body property → argument.</summary>
    public IReadOnlyList<ParameterMapping> Properties { get; init; } = [];

    public static BodyMapping FromArgument(string argument) => new() { Kind = BodyKind.Argument, Argument = argument };

    public static BodyMapping FromMap(IReadOnlyList<ParameterMapping> properties) => new() { Kind = BodyKind.Map, Properties = properties };

    /// <summary>The arguments this body reads explicitly (none for <see cref="BodyKind.Arguments"/>, which takes the rest).</summary>
    public IEnumerable<string> ExplicitArguments => Kind switch
    {
        BodyKind.Argument => [Argument!],
        BodyKind.Map => Properties.Select(p => p.Argument),
        _ => [],
    };
}
