using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using WireMock;
using WireMock.Types;
using WireMock.Util;

namespace Facade.Mocks.LegacyApi.Api;

/// <summary>Builds WireMock responses with JSON bodies in the Facade error shape.</summary>
internal static class ApiResponses
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public static ResponseMessage Json<T>(int status, T body)
    {
        var message = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData
            {
                BodyAsString = JsonSerializer.Serialize(body, JsonOptions),
                DetectedBodyType = BodyType.String,
                Encoding = Encoding.UTF8,
            },
        };
        message.AddHeader("Content-Type", "application/json; charset=utf-8");
        message.AddHeader("Cache-Control", "no-store");
        return message;
    }

    public static ResponseMessage Error(int status, string error, string description) =>
        Json(status, new ApiError(error, description));

    public static ResponseMessage BadRequest(string description) => Error(400, "invalid_request", description);

    public static ResponseMessage NotFound(string description) => Error(404, "not_found", description);
}

internal sealed record ApiError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string ErrorDescription);
