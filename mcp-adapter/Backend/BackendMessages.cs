using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Facade.McpAdapter.Backend;

/// <summary>
/// The messages a model reads when a backend call fails: what happened and what to do, never the token,
/// a stack trace or a 5xx body (which may leak internals).
/// </summary>
internal static class BackendMessages
{
    private const int MaxDescriptionLength = 300;

    public static BackendResult ForStatus(BackendDefinition backend, HttpStatusCode status, byte[] body, TimeSpan? retryAfter)
    {
        var code = (int)status;
        var description = Describe(body);
        var suffix = description is null ? "." : $": {description}";
        return code switch
        {
            401 => BackendResult.Error(
                BackendFailure.Unauthorized,
                $"The backend rejected the caller's credentials (HTTP 401){suffix} The access token may have expired or been revoked; sign in again.",
                code),
            403 => BackendResult.Error(
                BackendFailure.Forbidden,
                $"This operation is not allowed (HTTP 403){suffix} The signed-in user or the token's scopes do not permit it.",
                code),
            404 => BackendResult.Error(BackendFailure.NotFound, $"Not found (HTTP 404){suffix}", code),
            429 => BackendResult.Error(
                BackendFailure.Rejected,
                $"The {backend.Title} backend is rate limiting requests (HTTP 429){(retryAfter is { } wait ? $"; retry after {Math.Ceiling(wait.TotalSeconds)} seconds" : "; retry later")}.",
                code),
            >= 400 and < 500 => BackendResult.Error(BackendFailure.Rejected, $"The {backend.Title} backend rejected the request (HTTP {code}){suffix}", code),
            _ => BackendResult.Error(BackendFailure.ServerError, $"The {backend.Title} backend failed to handle the request (HTTP {code}). Try again later.", code),
        };
    }

    public static BackendResult Unavailable(BackendDefinition backend, string reason) =>
        BackendResult.Error(BackendFailure.Unavailable, $"The {backend.Title} backend is unavailable ({reason}). Try again later.");

    public static BackendResult Timeout(BackendDefinition backend, TimeSpan timeout) =>
        BackendResult.Error(BackendFailure.Timeout, $"The {backend.Title} backend did not answer within {timeout.TotalSeconds:0.#} seconds (timeout). Try again later.");

    public static BackendResult TooLarge(BackendDefinition backend, int limit, int status) =>
        BackendResult.Error(BackendFailure.TooLarge, $"The response from the {backend.Title} backend is too large (more than {limit} bytes); narrow the request, e.g. with filters or a smaller limit.", status);

    public static BackendResult Redirect(BackendDefinition backend, int status, bool tooMany) =>
        BackendResult.Error(
            BackendFailure.Redirect,
            tooMany
                ? $"The {backend.Title} backend redirected too many times (HTTP {status})."
                : $"The {backend.Title} backend redirected to another host (HTTP {status}); such redirects are not followed.",
            status);

    public static BackendResult Missing(BackendDefinition backend, ResultSelector selector, int status) =>
        BackendResult.Error(BackendFailure.UnexpectedResponse, $"The {backend.Title} backend's response has no '{selector.Text}' (HTTP {status}).", status);

    /// <summary>A short reason for a transport failure, e.g. "connection refused".</summary>
    public static string ReasonFor(HttpRequestException exception)
    {
        if (exception.InnerException is SocketException socket)
        {
            return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.TimedOut => "connection timed out",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
                SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown or SocketError.NetworkDown => "host unreachable",
                SocketError.ConnectionReset or SocketError.ConnectionAborted => "connection reset",
                _ => "connection failed",
            };
        }

        return exception.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "host not found",
            HttpRequestError.ConnectionError => "connection failed",
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            HttpRequestError.ResponseEnded => "connection closed before the response was complete",
            HttpRequestError.InvalidResponse => "invalid HTTP response",
            HttpRequestError.ProxyTunnelError => "proxy error",
            _ => "network error",
        };
    }

    /// <summary>The backend's own explanation: <c>error_description</c>, else <c>message</c>/<c>detail</c>/<c>title</c>/<c>error</c>.</summary>
    public static string? Describe(byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var name in (string[])["error_description", "message", "detail", "title", "error"])
            {
                if (document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                    && Clean(value.GetString()) is { Length: > 0 } text)
                {
                    return text;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: say nothing rather than quote an HTML error page.
        }

        return null;
    }

    private static string Clean(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(text.Length, MaxDescriptionLength + 1));
        foreach (var c in text.Trim())
        {
            builder.Append(char.IsControl(c) ? ' ' : c);
            if (builder.Length > MaxDescriptionLength)
            {
                builder.Length = MaxDescriptionLength;
                builder.Append('…');
                break;
            }
        }

        return builder.ToString();
    }
}
