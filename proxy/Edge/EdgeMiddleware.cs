using Facade.Common;
using Facade.Proxy.ApiKeys;
using Facade.Proxy.Discovery;
using Facade.Proxy.Hosting;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Facade.Proxy.Edge;

/// <summary>
/// The proxy pipeline step in front of every backend: strip client-supplied identity headers and the edge's own
/// cookies, authenticate, apply the route's rate limit to the caller that authenticated (or its address), check the
/// route's scopes, then forward; backend failures come back as JSON 502/504 that leak no internals.
/// </summary>
internal sealed partial class EdgeMiddleware(
    EdgeTokenValidator validator,
    IdentityHeaderFilter identityHeaders,
    EdgeCookieFilter edgeCookies,
    EdgeRateLimiter rateLimiter,
    ProtectedResources resources,
    EdgeMetrics metrics,
    ILogger<EdgeMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        identityHeaders.Strip(context.Request.Headers);
        edgeCookies.Strip(context.Request.Headers);

        var route = context.GetReverseProxyFeature().Route.Config;
        var policy = RoutePolicy.For(route);
        var auth = policy.Anonymous ? new EdgeAuthResult(EdgeAuthStatus.Missing) : await validator.AuthenticateAsync(context);

        // Only a token that validated is a caller of its own; everything else shares its address's window.
        var caller = auth.Status is EdgeAuthStatus.Valid ? auth.Caller : null;
        if (!rateLimiter.TryAcquire(policy.RateLimitPolicy, caller, context.Connection.RemoteIpAddress, out var retryAfter))
        {
            metrics.RateLimited(policy.RateLimitPolicy);
            await JsonErrors.WriteTooManyRequestsAsync(context, retryAfter);
            return;
        }

        if (!policy.Anonymous && !await AuthorizeAsync(context, policy, auth))
        {
            return;
        }

        // API keys never leave the edge: the agent key header goes nowhere, and a key-authenticated request carries the
        // token minted from the key instead (replaced again by the cluster's upstream mode, if that is not forward).
        context.Request.Headers.Remove(ApiKeyHeaders.AgentKey);
        if (auth.Caller?.ForwardAuthorization is { } minted && auth.Status is EdgeAuthStatus.Valid && !policy.Anonymous)
        {
            context.Request.Headers.Authorization = minted;
        }
        else if (policy.Anonymous && validator.CarriesUserKey(context.Request))
        {
            context.Request.Headers.Remove("Authorization");
        }

        // Backend answers pass through untouched; only our own failures below are rewritten.
        if (context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages)
        {
            pages.Enabled = false;
        }

        await next();

        var error = context.GetForwarderErrorFeature();
        if (error is not null && !context.Response.HasStarted)
        {
            var timedOut = error.Error is ForwarderError.RequestTimedOut;
            LogBackendFailure(logger, route.RouteId, error.Error);
            await JsonErrors.WriteAsync(context,
                timedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway,
                timedOut ? "gateway_timeout" : "bad_gateway",
                timedOut ? "The backend did not answer in time." : "The backend is unavailable.");
        }
    }

    private async ValueTask<bool> AuthorizeAsync(HttpContext context, RoutePolicy policy, EdgeAuthResult result)
    {
        switch (result.Status)
        {
            // An agent key (or a token minted from one) serves only its own agent's routes (/agents/{agentId}/…).
            case EdgeAuthStatus.Valid when result.Caller!.AgentId is { } agentId
                && !string.Equals(context.Request.RouteValues["agentId"] as string, agentId, StringComparison.Ordinal):
                await JsonErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "forbidden",
                    "This agent key is valid only on its own agent's endpoints.");
                return false;

            case EdgeAuthStatus.Valid when result.Caller.HasAll(policy.Scopes):
                context.User = result.Caller.Principal;
                return true;

            case EdgeAuthStatus.Valid:
                await BearerChallenge.WriteInsufficientScopeAsync(context, resources.MetadataUrlOf(context), policy.ScopeText);
                return false;

            case EdgeAuthStatus.LedgerUnavailable:
                context.Response.Headers.RetryAfter = "5";
                await JsonErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "introspection_unavailable",
                    "The token cannot be checked right now; retry shortly.");
                return false;

            default:
                // No scope hint on 401: clients take the scopes to ask for from the resource metadata (RFC 9728), which
                // for MCP servers is wider than one route (an agent needs agents:invoke and its tools' scopes).
                await BearerChallenge.WriteUnauthorizedAsync(context, resources.MetadataUrlOf(context), tokenSent: result.Status is EdgeAuthStatus.Invalid);
                return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Route {RouteId}: backend call failed ({Error})")]
    private static partial void LogBackendFailure(ILogger logger, string routeId, ForwarderError error);
}
