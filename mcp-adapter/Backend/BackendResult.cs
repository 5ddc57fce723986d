using System.Text.Json;

namespace Facade.McpAdapter.Backend;

/// <summary>Why a backend call failed; <see cref="None"/> on success.</summary>
public enum BackendFailure
{
    None,

    /// <summary>A required path argument was missing or unusable; nothing was sent.</summary>
    InvalidArguments,

    /// <summary>Connection refused, host not found, connection reset…</summary>
    Unavailable,

    Timeout,

    /// <summary>HTTP 401.</summary>
    Unauthorized,

    /// <summary>HTTP 403.</summary>
    Forbidden,

    /// <summary>HTTP 404.</summary>
    NotFound,

    /// <summary>Any other 4xx (validation, conflict, rate limit…).</summary>
    Rejected,

    /// <summary>HTTP 5xx.</summary>
    ServerError,

    /// <summary>A redirect that was not followed (another host, or too many).</summary>
    Redirect,

    /// <summary>The response body is larger than <see cref="BackendCallOptions.MaxResponseBytes"/>.</summary>
    TooLarge,

    /// <summary>The response lacked the part the tool's <c>result</c> selects.</summary>
    UnexpectedResponse,

    /// <summary>The agent's runtime answered a channel call with <c>{"error": …}</c>.</summary>
    AgentError,

    /// <summary>The device edge gave up on a channel call: no answer in time (504) or the runtime went away mid-call (502).</summary>
    AgentUnavailable,
}

/// <summary>
/// The outcome of a backend call in the shape of an MCP tool result: <see cref="Text"/> is what the model reads
/// (pretty JSON of the selected part, or a useful error message that never contains the token or a stack trace).
/// </summary>
public sealed class BackendResult
{
    public required bool IsError { get; init; }

    public BackendFailure Failure { get; init; }

    /// <summary>The backend's HTTP status, or null when no response arrived.</summary>
    public int? StatusCode { get; init; }

    public required string Text { get; init; }

    /// <summary>The selected JSON on success (may be an array or a scalar; MCP <c>structuredContent</c> must be an object).</summary>
    public JsonElement? Structured { get; init; }

    /// <summary>The response media type on success, e.g. <c>application/json</c>.</summary>
    public string? MediaType { get; init; }

    public static BackendResult Error(BackendFailure failure, string text, int? statusCode = null) =>
        new() { IsError = true, Failure = failure, Text = text, StatusCode = statusCode };

    public override string ToString() => IsError ? $"error {Failure} ({StatusCode}): {Text}" : $"ok ({StatusCode})";
}
