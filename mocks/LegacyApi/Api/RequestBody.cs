using System.Net.Http.Headers;
using System.Text.Json;
using WireMock;

namespace Facade.Mocks.LegacyApi.Api;

internal static class RequestBody
{
    /// <summary>Reads the body as a JSON object, or produces the 415/400 response the caller should return.</summary>
    public static bool TryReadObject(IRequestMessage request, out JsonElement body, out ResponseMessage? error)
    {
        body = default;
        error = null;

        if (!IsJson(RequestHeaders.Get(request, "Content-Type")))
        {
            error = ApiResponses.Error(415, "unsupported_media_type", "Content-Type must be application/json.");
            return false;
        }

        var bytes = request.BodyAsBytes;
        if (bytes is null || bytes.Length == 0)
        {
            error = ApiResponses.BadRequest("A JSON request body is required.");
            return false;
        }

        try
        {
            body = JsonSerializer.Deserialize<JsonElement>(bytes);
        }
        catch (JsonException)
        {
            error = ApiResponses.BadRequest("The request body is not valid JSON.");
            return false;
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            error = ApiResponses.BadRequest("The request body must be a JSON object.");
            return false;
        }

        return true;
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && parsed.MediaType is { } mediaType
        && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)));
}
