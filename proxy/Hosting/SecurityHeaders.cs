using Facade.Proxy.Edge;
using Yarp.ReverseProxy.Model;

namespace Facade.Proxy.Hosting;

/// <summary>
/// Browser protections on everything the edge answers itself (login, consent, logout, account pages, OAuth endpoints):
/// <see cref="ContentSecurityPolicy"/>, <c>X-Content-Type-Options: nosniff</c>, <c>Referrer-Policy: no-referrer</c>
/// (authorize URLs carry state and codes), <c>X-Frame-Options: DENY</c> for browsers without frame-ancestors, and HSTS
/// outside Development. Proxied answers belong to their backends and get none of them.
/// </summary>
internal static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, bool hsts)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseWhen(IsEdgeResponse, edge =>
        {
            edge.Use(static (context, next) =>
            {
                // At the start of the response, so pages can add to the policy while rendering and an error response
                // written after the headers were cleared still gets them.
                ContentSecurityPolicy.Of(context);
                context.Response.OnStarting(static state =>
                {
                    var http = (HttpContext)state;
                    var headers = http.Response.Headers;
                    headers.ContentSecurityPolicy = ContentSecurityPolicy.Of(http).ToString();
                    headers.XContentTypeOptions = "nosniff";
                    headers.XFrameOptions = "DENY";
                    headers["Referrer-Policy"] = "no-referrer";
                    return Task.CompletedTask;
                }, context);
                return next(context);
            });

            if (hsts)
            {
                edge.UseHsts();
            }
        });
    }

    /// <summary>
    /// Not a YARP route: the site pipeline also carries routes with an ASP.NET authorization or CORS policy
    /// (<see cref="ProxiedRequests"/>), whose answers still come from a backend.
    /// </summary>
    private static bool IsEdgeResponse(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>() is null || ProxiedRequests.IsOwnedPath(context.Request.Path);
}
