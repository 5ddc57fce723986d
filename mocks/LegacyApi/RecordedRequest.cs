using Facade.Mocks.LegacyApi.Api;

namespace Facade.Mocks.LegacyApi;

/// <summary>A request as the legacy backend received it (after any proxy in front has rewritten it).</summary>
/// <param name="Method">HTTP method, e.g. <c>GET</c>.</param>
/// <param name="Path">Path without the query string, e.g. <c>/api/tasks</c>.</param>
/// <param name="Query">Raw query string without the leading <c>?</c>; empty when there was none.</param>
/// <param name="Headers">Received headers; lookups ignore case.</param>
/// <param name="Body">Request body as text, or null when there was none.</param>
/// <param name="StatusCode">Status code the mock answered with.</param>
/// <param name="ReceivedAt">UTC time the request arrived.</param>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Headers,
    string? Body,
    int StatusCode,
    DateTime ReceivedAt)
{
    /// <summary>The <c>X-Facade-Subject</c> value the edge asserted, or <c>"unknown"</c>.</summary>
    public string Caller =>
        Header(RequestHeaders.Subject) is { } subject && !string.IsNullOrWhiteSpace(subject) ? subject.Trim() : RequestHeaders.UnknownCaller;

    /// <summary>All values of a header joined with <c>", "</c>, or null when it was not received.</summary>
    public string? Header(string name) =>
        Headers.TryGetValue(name, out var values) ? string.Join(", ", values) : null;

    /// <summary>True when the header was received at all (even with an empty value).</summary>
    public bool HasHeader(string name) => Headers.ContainsKey(name);
}
