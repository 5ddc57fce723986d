namespace Facade.McpAdapter.Backend;

/// <summary>A backend the catalog calls: its name in the catalog, the word used in messages, and where it lives.</summary>
public sealed class BackendDefinition
{
    /// <summary>The key in <c>backends</c> (and in <c>Adapter:Backends</c>), e.g. <c>legacy</c>.</summary>
    public required string Name { get; init; }

    /// <summary>How messages name it: "The {Title} backend is unavailable". Defaults to <see cref="Name"/>.</summary>
    public required string Title { get; init; }

    /// <summary>Absolute http(s) base URL; call paths are appended to it (a path prefix is kept).</summary>
    public required Uri BaseUri { get; init; }

    /// <summary>Per-backend timeout; null means <see cref="BackendCallOptions.Timeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }
}
