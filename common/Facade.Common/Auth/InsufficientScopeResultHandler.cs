using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Facade.Common.Auth;

/// <summary>
/// A request refused for a missing scope gets 403 <c>insufficient_scope</c> naming the scopes to ask for (RFC 6750
/// §3.1) and the resource metadata, so clients step up; every other outcome is the framework's default.
/// </summary>
internal sealed class InsufficientScopeResultHandler(IOptions<ResourceServerOptions> options) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Forbidden
            && authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ScopeRequirement>().ToList() is { Count: > 0 } missing)
        {
            var scope = string.Join(' ', missing.SelectMany(r => r.Scopes).Distinct(StringComparer.Ordinal));
            return BearerChallenge.WriteInsufficientScopeAsync(context, options.Value.ResourceMetadataUrl(context.Request.Path), scope);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
