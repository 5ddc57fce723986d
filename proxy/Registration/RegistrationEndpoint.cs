using System.Security.Cryptography;
using System.Text.Json;
using Facade.Common;
using Facade.Proxy.Registration;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;

namespace Microsoft.AspNetCore.Builder;

/// <summary>RFC 7591 dynamic client registration at <c>/oauth/register</c>.</summary>
internal static class RegistrationEndpoint
{
    public const string RateLimitPolicy = "registration";

    public static IEndpointRouteBuilder MapRegistrationEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapPost("/oauth/register", RegisterAsync).RequireRateLimiting(RateLimitPolicy).DisableAntiforgery();
        return app;
    }

    public static async Task<IResult> RegisterAsync(
        HttpContext http,
        IOpenIddictApplicationManager applications,
        IOptions<RegistrationOptions> options,
        TimeProvider time)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";

        if (!http.Request.HasJsonContentType())
        {
            return JsonErrors.Result(StatusCodes.Status415UnsupportedMediaType, "invalid_request", "Send the client metadata as application/json.");
        }

        var limit = options.Value.MaxRequestBytes;
        if (http.Request.ContentLength > limit)
        {
            return JsonErrors.Result(StatusCodes.Status413PayloadTooLarge, "invalid_request", $"The registration request must be at most {limit} bytes.");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Request.Body, new JsonDocumentOptions { MaxDepth = 16 }, http.RequestAborted);
        }
        catch (JsonException)
        {
            return JsonErrors.Result(StatusCodes.Status400BadRequest, "invalid_client_metadata", "The request body is not valid JSON.");
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return JsonErrors.Result(StatusCodes.Status413PayloadTooLarge, "invalid_request", $"The registration request must be at most {limit} bytes.");
        }

        using (document)
        {
            // RFC 7591 §2: without token_endpoint_auth_method the default is client_secret_basic.
            var metadata = ClientMetadata.Parse(document.RootElement, "client_secret_basic", out var error);
            if (error is not null)
            {
                return JsonErrors.Result(StatusCodes.Status400BadRequest, error.Error, error.Description);
            }

            var clientId = "fc_" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(18));
            var secret = metadata.IsPublic ? null : Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
            await applications.CreateAsync(metadata.ToDescriptor(clientId, secret), http.RequestAborted);

            var response = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["client_id"] = clientId,
                ["client_id_issued_at"] = time.GetUtcNow().ToUnixTimeSeconds(),
                ["client_name"] = metadata.ClientName ?? clientId,
                ["redirect_uris"] = metadata.RedirectUris,
                ["grant_types"] = metadata.GrantTypeValues,
                ["response_types"] = metadata.ResponseTypeValues,
                ["token_endpoint_auth_method"] = metadata.TokenEndpointAuthMethod,
                ["scope"] = metadata.Scope ?? string.Join(' ', metadata.AllowedScopes),
            };
            if (secret is not null)
            {
                response["client_secret"] = secret;
                response["client_secret_expires_at"] = 0;
            }

            foreach (var (name, value) in metadata.Extra)
            {
                response[name] = value;
            }

            return Results.Json(response, statusCode: StatusCodes.Status201Created);
        }
    }
}
