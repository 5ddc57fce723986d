using Facade.Common;
using Facade.Proxy.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Facade.Proxy.Edge;

/// <summary>
/// The proxy pipeline step in front of every backend: strip client-supplied identity headers, authenticate,
/// check the route's scopes, then forward; backend failures come back as JSON 502/504 that leak no internals.
/// </summary>
internal sealed partial class EdgeMiddleware(PublicUrl publicUrl, IOptions<EdgeOptions> edge, ILogger<EdgeMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        StripIdentityHeaders(context.Request.Headers);

        var route = context.GetReverseProxyFeature().Route.Config;
        var policy = RoutePolicy.For(route);
        if (!policy.Anonymous && !await AuthorizeAsync(context, policy))
        {
            return;
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

    private async Task<bool> AuthorizeAsync(HttpContext context, RoutePolicy policy)
    {
        var metadataUrl = BearerChallenge.ResourceMetadataUrl(publicUrl.Issuer, ProtectedPrefix(context.Request.Path));
        var result = await context.AuthenticateAsync(EdgeAuthentication.Scheme);
        if (!result.Succeeded)
        {
            if (context.Items.ContainsKey(EdgeAuthentication.LedgerUnavailableItem))
            {
                context.Response.Headers.RetryAfter = "5";
                await JsonErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "introspection_unavailable",
                    "The token cannot be checked right now; retry shortly.");
                return false;
            }

            // No scope hint on 401: clients take the scopes to ask for from the resource metadata (RFC 9728), which
            // for MCP servers is wider than one route (an agent needs agents:invoke and its tools' scopes).
            await BearerChallenge.WriteUnauthorizedAsync(context, metadataUrl, tokenSent: result.Failure is not null);
            return false;
        }

        var granted = (result.Principal.FindFirst("scope")?.Value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var needed in policy.Scopes)
        {
            if (!granted.Contains(needed, StringComparer.Ordinal))
            {
                await BearerChallenge.WriteInsufficientScopeAsync(context, metadataUrl, policy.ScopeText);
                return false;
            }
        }

        context.User = result.Principal;
        return true;
    }

    private string? ProtectedPrefix(PathString path)
    {
        var value = path.Value ?? "";
        var end = value.IndexOf('/', 1);
        var first = end < 0 ? value.TrimStart('/') : value[1..end];
        return edge.Value.ProtectedPrefixes.FirstOrDefault(p => string.Equals(p, first, StringComparison.OrdinalIgnoreCase));
    }

    private void StripIdentityHeaders(IHeaderDictionary headers)
    {
        List<string>? doomed = null;
        foreach (var name in headers.Keys)
        {
            // CGI-style backends (PHP, WSGI, Django …) read X_Facade_Subject as X-Facade-Subject: strip both spellings.
            var canonical = name.Replace('_', '-');
            if (canonical.StartsWith("X-Facade-", StringComparison.OrdinalIgnoreCase)
                || edge.Value.StrippedHeaders.Contains(canonical, StringComparer.OrdinalIgnoreCase))
            {
                (doomed ??= []).Add(name);
            }
        }

        foreach (var name in doomed ?? [])
        {
            headers.Remove(name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Route {RouteId}: backend call failed ({Error})")]
    private static partial void LogBackendFailure(ILogger logger, string routeId, ForwarderError error);
}
