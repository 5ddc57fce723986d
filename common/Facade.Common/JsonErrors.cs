using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Facade.Common;

/// <summary>The one JSON error shape every Facade endpoint answers with: <c>{"error": …, "error_description": …}</c>.</summary>
public static class JsonErrors
{
    public static Task WriteAsync(HttpContext context, int status, string error, string? description, string? scope = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(
            new ErrorBody(error, description, scope),
            ErrorJsonContext.Default.ErrorBody,
            contentType: "application/json",
            context.RequestAborted);
    }

    /// <summary>429 <c>too_many_requests</c> with <c>Retry-After</c> in whole seconds (at least 1).</summary>
    public static Task WriteTooManyRequestsAsync(HttpContext context, TimeSpan retryAfter, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return WriteAsync(context, StatusCodes.Status429TooManyRequests, "too_many_requests", description ?? "Too many requests; retry later.");
    }

    public static IResult Result(int status, string error, string? description, string? scope = null) =>
        Results.Json(new ErrorBody(error, description, scope), ErrorJsonContext.Default.ErrorBody, "application/json", status);

    /// <summary>The same error as a typed result, for handlers declared as <c>Results&lt;Ok&lt;T&gt;, JsonHttpResult&lt;ErrorBody&gt;&gt;</c>.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<ErrorBody> Typed(int status, string error, string? description) =>
        TypedResults.Json(new ErrorBody(error, description), ErrorJsonContext.Default.ErrorBody, "application/json", status);
}

public sealed record ErrorBody(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string? ErrorDescription,
    [property: JsonPropertyName("scope")] string? Scope = null);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorBody))]
internal sealed partial class ErrorJsonContext : JsonSerializerContext;
