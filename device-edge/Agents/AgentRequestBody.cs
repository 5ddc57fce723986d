using Facade.Common;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Facade.DeviceEdge.Agents;

/// <summary>
/// Reads a channel request body as bytes, bounded by <see cref="AgentOptions.MaxMessageBytes"/>: not JSON is 415,
/// larger is 413 (declared or counted), so the hub only ever parses bounded JSON.
/// </summary>
internal static class AgentRequestBody
{
    public static async Task<(byte[]? Body, JsonHttpResult<ErrorBody>? Error)> ReadAsync(HttpRequest request, int limit)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsJson(request.ContentType))
        {
            return (null, JsonErrors.Typed(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "The body must be JSON (Content-Type: application/json)."));
        }

        if (request.ContentLength > limit)
        {
            return (null, TooLarge(limit));
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return (null, TooLarge(limit));
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException bad) when (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(limit));
        }

        return (buffer.ToArray(), null);
    }

    private static bool IsJson(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Value is { } value
        && (value.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || value.EndsWith("+json", StringComparison.OrdinalIgnoreCase) && value.StartsWith("application/", StringComparison.OrdinalIgnoreCase));

    private static JsonHttpResult<ErrorBody> TooLarge(int limit) =>
        JsonErrors.Typed(StatusCodes.Status413PayloadTooLarge, "request_too_large", $"The body must be at most {limit} bytes.");
}
