using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Facade.McpAdapter.Backend;

/// <summary>
/// Makes the HTTP call behind a tool or resource with the caller's own bearer token and turns every outcome,
/// including transport failures, into a <see cref="BackendResult"/>. Only cancellation by the caller throws.
/// </summary>
public sealed partial class BackendInvoker(IHttpClientFactory httpClientFactory, IOptions<BackendCallOptions> options, ILogger<BackendInvoker> logger)
{
    /// <summary>The named <see cref="HttpClient"/> (no automatic redirects, no cookies, no client-level timeout).</summary>
    public const string HttpClientName = "Facade.Backend";

    internal static readonly JsonSerializerOptions PrettyJson = new()
    {
        WriteIndented = true,

        // The text goes to a model, not into HTML: keep non-ASCII characters and quotes readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Calls the backend. <paramref name="bearerToken"/> is the caller's access token (with or without the
    /// <c>Bearer </c> prefix); it is sent as <c>Authorization: Bearer …</c> and nowhere else.
    /// </summary>
    public async Task<BackendResult> InvokeAsync(BackendCall call, JsonElement arguments, string? bearerToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!BackendRequest.TryCreate(call, arguments, out var request, out var argumentError))
        {
            return BackendResult.Error(BackendFailure.InvalidArguments, argumentError);
        }

        var token = NormalizeToken(bearerToken);
        if (token is not null && token.Any(c => char.IsControl(c) || c == ' '))
        {
            return BackendResult.Error(BackendFailure.InvalidArguments, "The caller's access token cannot be forwarded (it contains invalid characters).");
        }

        var settings = options.Value;
        var timeout = call.Backend.Timeout ?? settings.Timeout;
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await SendAsync(call, request!, token, settings, timeoutSource.Token).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (result.IsError)
            {
                LogFailed(logger, call.Method, call.Backend.Name, call.Path.Text, result.Failure, result.StatusCode, elapsed);
            }
            else
            {
                LogCompleted(logger, call.Method, call.Backend.Name, call.Path.Text, result.StatusCode, elapsed);
            }

            return result;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, call.Method, call.Backend.Name, call.Path.Text, BackendFailure.Timeout, null, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return BackendMessages.Timeout(call.Backend, timeout);
        }
        catch (HttpRequestException ex)
        {
            var reason = BackendMessages.ReasonFor(ex);
            LogUnavailable(logger, call.Method, call.Backend.Name, call.Path.Text, reason);
            return BackendMessages.Unavailable(call.Backend, reason);
        }
        catch (IOException)
        {
            // The connection died while the body was being read.
            LogUnavailable(logger, call.Method, call.Backend.Name, call.Path.Text, "connection closed while reading the response");
            return BackendMessages.Unavailable(call.Backend, "connection closed while reading the response");
        }
    }

    private async Task<BackendResult> SendAsync(BackendCall call, BackendRequest request, string? token, BackendCallOptions settings, CancellationToken cancellationToken)
    {
        var client = httpClientFactory.CreateClient(HttpClientName);
        var method = call.Method;
        var uri = request.Uri;
        var body = request.Body;
        for (var redirects = 0; ; redirects++)
        {
            using var message = new HttpRequestMessage(method, uri);
            message.Headers.TryAddWithoutValidation("Accept", "application/json");
            foreach (var (name, value) in request.Headers)
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }

            if (token is not null)
            {
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            if (body is not null)
            {
                message.Content = new ByteArrayContent(body);
                message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            }

            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                var sameOrigin = Uri.Compare(next, uri, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) == 0;
                if (!sameOrigin || redirects >= settings.MaxRedirects)
                {
                    return BackendMessages.Redirect(call.Backend, status, tooMany: sameOrigin);
                }

                if (status == 303 || (status is 301 or 302 && method == HttpMethod.Post))
                {
                    method = HttpMethod.Get;
                    body = null;
                }

                uri = next;
                continue;
            }

            var (content, tooLarge) = await ReadBodyAsync(response.Content, settings.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
            if (tooLarge)
            {
                return BackendMessages.TooLarge(call.Backend, settings.MaxResponseBytes, status);
            }

            if (call.Channel is { } channel)
            {
                return ChannelReplies.Read(call.Backend, channel, response.StatusCode, content, RetryAfter(response));
            }

            return response.IsSuccessStatusCode
                ? Success(call, status, response.Content.Headers.ContentType?.MediaType, content)
                : BackendMessages.ForStatus(call.Backend, response.StatusCode, content, RetryAfter(response));
        }
    }

    private static BackendResult Success(BackendCall call, int status, string? mediaType, byte[] content)
    {
        if (content.Length == 0)
        {
            return new BackendResult
            {
                IsError = false,
                StatusCode = status,
                Text = $"The {call.Backend.Title} backend completed the request (HTTP {status}, no content).",
            };
        }

        if (IsJson(mediaType) || mediaType is null)
        {
            try
            {
                using var document = JsonDocument.Parse(content);
                if (!call.Result.TrySelect(document.RootElement, out var selected))
                {
                    return BackendMessages.Missing(call.Backend, call.Result, status);
                }

                return new BackendResult
                {
                    IsError = false,
                    StatusCode = status,
                    Text = JsonSerializer.Serialize(selected, PrettyJson),
                    Structured = selected.Clone(),
                    MediaType = "application/json",
                };
            }
            catch (JsonException) when (!IsJson(mediaType))
            {
                // Unlabelled and not JSON after all: fall through to text.
            }
            catch (JsonException)
            {
                return BackendResult.Error(BackendFailure.UnexpectedResponse, $"The {call.Backend.Title} backend answered with invalid JSON (HTTP {status}).", status);
            }
        }

        if (!call.Result.IsWhole)
        {
            return BackendMessages.Missing(call.Backend, call.Result, status);
        }

        return new BackendResult { IsError = false, StatusCode = status, Text = Encoding.UTF8.GetString(content), MediaType = mediaType };
    }

    private static async Task<(byte[] Content, bool TooLarge)> ReadBodyAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        var length = content.Headers.ContentLength;
        if (length > limit)
        {
            return ([], true);
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            if (length is { } known)
            {
                // The usual case: the body's size is announced, so it is read straight into an array of that size. A
                // response without a body despite its Content-Length (a 304) ends early: what arrived is the body.
                var body = new byte[known];
                var filled = await stream.ReadAtLeastAsync(body, body.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                return (filled == body.Length ? body : body[..filled], false);
            }

            using var buffer = new MemoryStream();
            var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                int read;
                while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > limit)
                    {
                        return ([], true);
                    }

                    buffer.Write(chunk, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }

            return (buffer.ToArray(), false);
        }
    }

    private static bool IsJson(string? mediaType) =>
        mediaType is not null
        && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } when date > DateTimeOffset.UtcNow => date - DateTimeOffset.UtcNow,
            _ => null,
        };

    private static string? NormalizeToken(string? bearerToken)
    {
        if (string.IsNullOrWhiteSpace(bearerToken))
        {
            return null;
        }

        var token = bearerToken.Trim();
        return token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? token[7..].Trim() : token;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Backend}:{Path} answered {Status} in {ElapsedMs:0} ms")]
    private static partial void LogCompleted(ILogger logger, HttpMethod method, string backend, string path, int? status, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Backend}:{Path} failed ({Failure}, status {Status}) after {ElapsedMs:0} ms")]
    private static partial void LogFailed(ILogger logger, HttpMethod method, string backend, string path, BackendFailure failure, int? status, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Backend}:{Path}: backend unavailable ({Reason})")]
    private static partial void LogUnavailable(ILogger logger, HttpMethod method, string backend, string path, string reason);
}
