using Facade.Common;
using Facade.McpAdapter.Hosting;
using Microsoft.Extensions.Options;

namespace Facade.McpAdapter.Auth;

/// <summary>
/// MCP transport security: a request that carries an Origin header must come from an allowed origin (the issuer's
/// or a configured one), or it is refused with 403 before anything else runs.
/// </summary>
internal sealed class OriginGuard(IOptions<AdapterOptions> options) : IMiddleware
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (!string.IsNullOrEmpty(origin) && !IsAllowed(origin))
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "forbidden_origin", "Requests from this origin are not allowed.");
            return;
        }

        await next(context);
    }

    private bool IsAllowed(string origin)
    {
        var issuer = options.Value.Issuer!;
        var own = issuer.GetLeftPart(UriPartial.Authority);
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
            || options.Value.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase);
    }
}
