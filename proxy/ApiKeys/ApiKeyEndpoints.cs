using System.Text.Json;
using Facade.Common;
using Facade.Proxy.ApiKeys;
using Facade.Proxy.Data;
using Facade.Proxy.Edge;
using Facade.Proxy.Hosting;
using Facade.Proxy.Ledger;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// <c>POST/GET /account/keys</c>, <c>DELETE /account/keys/{id}</c>: a user's own keys, for a bearer token carrying
/// <c>keys:write</c> or the console's first-party token (ledger label <c>first-party</c>). The edge's own endpoints,
/// authenticated here like proxied requests (EdgeTokenValidator: a user key works too; an agent key never does).
/// </summary>
internal static class ApiKeyEndpoints
{
    public const int MaxRequestBytes = 8 * 1024;

    public static IEndpointRouteBuilder MapApiKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/account/keys").DisableAntiforgery();
        keys.MapPost("", CreateAsync);
        keys.MapGet("", ListAsync);
        keys.MapDelete("/{id}", DeleteAsync);
        return app;
    }

    public static async Task<IResult> CreateAsync(HttpContext http, KeyServices services)
    {
        var (caller, owner, failure) = await services.AuthenticateAsync(http);
        if (failure is not null)
        {
            return failure;
        }

        if (!http.Request.HasJsonContentType())
        {
            return JsonErrors.Result(StatusCodes.Status415UnsupportedMediaType, "invalid_request", "Send the key request as application/json.");
        }

        if (http.Request.ContentLength > MaxRequestBytes)
        {
            return TooLarge();
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxRequestBytes;
        }

        CreateKeyRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(http.Request.Body, ApiKeyJsonContext.Default.CreateKeyRequest, http.RequestAborted);
        }
        catch (JsonException invalid)
        {
            // Only where it went wrong: the parser's own message names our types.
            return JsonErrors.Result(StatusCodes.Status400BadRequest, "invalid_request",
                $"The body is not a valid key request {{label, scopes, agentId?, expiresAt?}} (at {invalid.Path ?? "$"}): malformed JSON, a wrong type or an unknown member.");
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }

        if (request is null || request.Scopes is null || request.Scopes.Any(s => s is null))
        {
            return JsonErrors.Result(StatusCodes.Status400BadRequest, "invalid_request", "The body needs \"scopes\": an array of scope names.");
        }

        // Never more than the asking token holds (a first-party token acts for the user: the owner's allowance caps it).
        var scopes = request.Scopes.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        var beyondToken = scopes.Where(s => !caller!.HasAll([s]) && !(services.IsFirstParty && s != ScopeCatalog.KeysWrite)).ToArray();
        if (beyondToken.Length > 0)
        {
            return JsonErrors.Result(StatusCodes.Status400BadRequest, "invalid_scope",
                $"The token creating the key does not hold: {string.Join(' ', beyondToken)}.");
        }

        var (created, key, refusal) = await services.Store.CreateAsync(
            new NewApiKey(owner!, request.Label ?? "", scopes, request.AgentId, request.ExpiresAt), http.RequestAborted);
        if (refusal is not null)
        {
            return JsonErrors.Result(refusal.Error == "too_many_keys" ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest, refusal.Error, refusal.Description);
        }

        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(
            new CreatedKey(created!.Id, key!, created.Label, [.. created.ScopeList], created.AgentId, created.CreatedAt, created.ExpiresAt),
            ApiKeyJsonContext.Default.CreatedKey, "application/json", StatusCodes.Status201Created);
    }

    public static async Task<IResult> ListAsync(HttpContext http, KeyServices services)
    {
        var (_, owner, failure) = await services.AuthenticateAsync(http);
        if (failure is not null)
        {
            return failure;
        }

        var keys = await services.Store.ListAsync(owner!.Id, http.RequestAborted);
        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(keys.Where(k => k.RevokedAt is null).Select(KeyDetails.Of).ToArray(), ApiKeyJsonContext.Default.KeyDetailsArray);
    }

    public static async Task<IResult> DeleteAsync(HttpContext http, string id, KeyServices services)
    {
        var (_, owner, failure) = await services.AuthenticateAsync(http);
        if (failure is not null)
        {
            return failure;
        }

        // Another user's key and a key already deleted are as unknown as one that never existed.
        var (key, wasLive, _) = await services.Store.RevokeAsync(id, owner!.Id, http.RequestAborted);
        return key is not null && wasLive
            ? Results.NoContent()
            : JsonErrors.Result(StatusCodes.Status404NotFound, "not_found", "You have no key with this id.");
    }

    private static IResult TooLarge() =>
        JsonErrors.Result(StatusCodes.Status413PayloadTooLarge, "invalid_request", $"The key request must be at most {MaxRequestBytes} bytes.");
}

/// <summary>What the key endpoints need, and the bearer check they share.</summary>
internal sealed class KeyServices(
    EdgeTokenValidator validator,
    TokenLedger ledger,
    UserManager<FacadeUser> users,
    ApiKeyStore store,
    PublicUrl publicUrl)
{
    public ApiKeyStore Store { get; } = store;

    /// <summary>Set by <see cref="AuthenticateAsync"/>: the token is the console's first-party token.</summary>
    public bool IsFirstParty { get; private set; }

    public async Task<(EdgeCaller? Caller, FacadeUser? Owner, IResult? Failure)> AuthenticateAsync(HttpContext http)
    {
        var metadata = publicUrl.Resolve(".well-known/oauth-protected-resource");
        var auth = await validator.AuthenticateAsync(http);
        switch (auth.Status)
        {
            case EdgeAuthStatus.LedgerUnavailable:
                return (null, null, JsonErrors.Result(StatusCodes.Status503ServiceUnavailable, "introspection_unavailable", "The token cannot be checked right now; retry shortly."));
            case EdgeAuthStatus.Missing or EdgeAuthStatus.Invalid:
                return (null, null, new ChallengeResult(metadata, auth.Status is EdgeAuthStatus.Invalid, null));
        }

        var caller = auth.Caller!;
        if (caller.AgentId is not null)
        {
            return (null, null, JsonErrors.Result(StatusCodes.Status403Forbidden, "forbidden", "An agent key cannot manage keys."));
        }

        if (!caller.HasAll([ScopeCatalog.KeysWrite]))
        {
            IsFirstParty = await ledger.LabelOfAsync(caller.Jti, http.RequestAborted) == ApiToken.FirstPartyLabel;
            if (!IsFirstParty)
            {
                return (null, null, new ChallengeResult(metadata, true, ScopeCatalog.KeysWrite));
            }
        }

        var owner = caller.Principal.FindFirst("sub")?.Value is { } subject ? await users.FindByIdAsync(subject) : null;
        return owner is null
            ? (null, null, new ChallengeResult(metadata, true, null))
            : (caller, owner, null);
    }

    /// <summary>401 (or 403 insufficient_scope when <c>scope</c> is set) with the edge's bearer challenge.</summary>
    private sealed class ChallengeResult(string metadata, bool tokenSent, string? scope) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => scope is null
            ? BearerChallenge.WriteUnauthorizedAsync(httpContext, metadata, tokenSent)
            : BearerChallenge.WriteInsufficientScopeAsync(httpContext, metadata, scope);
    }
}
