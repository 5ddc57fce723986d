using Facade.McpAdapter.Catalog;

namespace Facade.McpAdapter.Backend;

/// <summary>How one tool (or resource) becomes an HTTP request to a backend, and what part of the answer it returns.</summary>
public sealed class BackendCall
{
    public required BackendDefinition Backend { get; init; }

    public required HttpMethod Method { get; init; }

    /// <summary>The backend path template, e.g. <c>/api/tasks/{id}</c>, possibly with a fixed query.</summary>
    public required UriTemplate Path { get; init; }

    /// <summary>Query parameter → argument; absent or null arguments are skipped, arrays repeat the parameter.</summary>
    public IReadOnlyList<ParameterMapping> Query { get; init; } = [];

    /// <summary>Request header → argument (OpenAPI header parameters); absent arguments are skipped.</summary>
    public IReadOnlyList<ParameterMapping> Headers { get; init; } = [];

    public BodyMapping Body { get; init; } = BodyMapping.None;

    public ResultSelector Result { get; init; } = ResultSelector.Whole;

    /// <summary>
    /// Set for a call answered by an agent's runtime: the request is <c>POST /agents/{id}/calls</c> with the envelope
    /// <c>{tool, arguments, timeoutSeconds}</c> as its body, and the reply is read as the contract's <c>{result}|{error}</c>.
    /// </summary>
    public ChannelTarget? Channel { get; init; }

    /// <summary>Every argument the path, query and headers consume (not sent again in an <see cref="BodyKind.Arguments"/> body).</summary>
    public IEnumerable<string> NonBodyArguments =>
        Path.Variables.Concat(Query.Select(q => q.Argument)).Concat(Headers.Select(h => h.Argument));

    /// <summary>Every argument the call reads explicitly.</summary>
    public IEnumerable<string> ExplicitArguments => NonBodyArguments.Concat(Body.ExplicitArguments);

    public override string ToString() => $"{Method} {Backend.Name}:{Path.Text}";
}
