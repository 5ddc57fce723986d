using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Facade.Common;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Hosting;

/// <summary>
/// Reads a JSON request body strictly, with one clear JSON error per way it can be wrong: not JSON (415), larger than
/// <see cref="DeviceEdgeOptions.MaxRequestBytes"/> (413), malformed, a field that does not exist, a wrong type or a
/// duplicate property (400). The framework's own binding answers these with empty bodies or generic messages.
/// </summary>
internal sealed class JsonBody(IOptions<DeviceEdgeOptions> options)
{
    public async Task<(T? Value, JsonHttpResult<ErrorBody>? Error)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsJson(request.ContentType))
        {
            return (null, JsonErrors.Typed(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "The body must be JSON (Content-Type: application/json)."));
        }

        var limit = options.Value.MaxRequestBytes;
        if (request.ContentLength > limit)
        {
            return (null, TooLarge(limit));
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, type, request.HttpContext.RequestAborted);
            return value is null
                ? (null, Invalid("The body must be a JSON object."))
                : (value, null);
        }
        catch (BadHttpRequestException bad) when (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(limit));
        }
        catch (JsonException json)
        {
            return (null, Invalid(Describe(json)));
        }
    }

    private static bool IsJson(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Value is { } value
        && (value.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || value.EndsWith("+json", StringComparison.OrdinalIgnoreCase) && value.StartsWith("application/", StringComparison.OrdinalIgnoreCase));

    private static JsonHttpResult<ErrorBody> TooLarge(int limit) =>
        JsonErrors.Typed(StatusCodes.Status413PayloadTooLarge, "request_too_large", $"The body must be at most {limit} bytes.");

    public static JsonHttpResult<ErrorBody> Invalid(string description) =>
        JsonErrors.Typed(StatusCodes.Status400BadRequest, "invalid_request", description);

    // The serializer's messages name .NET types; say where the problem is instead, in the API's own terms.
    private static string Describe(JsonException exception) =>
        exception.Path is { Length: > 1 } path
            ? $"The body is not valid at '{path}': malformed JSON, a field that does not exist, a wrong type or a repeated field."
            : "The body is not valid JSON.";
}
