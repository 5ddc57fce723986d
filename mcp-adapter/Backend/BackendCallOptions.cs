using System.ComponentModel.DataAnnotations;

namespace Facade.McpAdapter.Backend;

/// <summary><c>Adapter:BackendCalls</c>: limits for every backend call made on behalf of a tool.</summary>
public sealed class BackendCallOptions
{
    public const string SectionName = "Adapter:BackendCalls";

    /// <summary>Default time for the whole call (connect, send, read the body); a backend's <c>timeoutSeconds</c> wins.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest response body read; anything larger is an error result ("response too large").</summary>
    [Range(1, int.MaxValue)]
    public int MaxResponseBytes { get; set; } = 1024 * 1024;

    /// <summary>Redirects followed, and only to the same scheme, host and port; 0 follows none.</summary>
    [Range(0, 10)]
    public int MaxRedirects { get; set; } = 3;
}
