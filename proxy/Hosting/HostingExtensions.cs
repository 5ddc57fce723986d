using Facade.Common;
using Facade.Proxy.Edge;
using Facade.Proxy.Hosting;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class HostingExtensions
{
    /// <summary>Options, the public URL and request limits shared by every feature of the edge.</summary>
    public static IHostApplicationBuilder AddFacadeHosting(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptions<FacadeOptions>()
            .BindConfiguration(FacadeOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FacadeOptions>, FacadeOptionsValidator>());
        builder.Services.TryAddSingleton<PublicUrl>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.Configure<RouteOptions>(o => o.LowercaseUrls = true);

        // Kestrel reads only its endpoints from the "Kestrel" section by itself; Limits (body and header sizes) need this.
        builder.Services.Configure<KestrelServerOptions>(builder.Configuration.GetSection("Kestrel"));
        return builder;
    }

    public static WebApplication UseFacadeHosting(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (TrustedProxies.AnyConfigured(app.Services))
        {
            app.UseForwardedHeaders();
        }

        app.UseJsonExceptionHandler();

        // Proxied requests are authenticated by the edge step itself (EdgeMiddleware); running the site's
        // authentication for them would only ask OpenIddict and the cookie handler about a request that is not theirs.
        app.UseWhen(context => !ProxiedRequests.IsProxied(context), site =>
        {
            site.UseSecurityHeaders(hsts: !app.Environment.IsDevelopment());

            // OpenIddict errors that cannot go back to a client (bad redirect_uri …) land here too, with their error code.
            site.UseJsonStatusCodePages(http => http.GetOpenIddictServerResponse() is { Error: { } error } response
                ? (error, response.ErrorDescription)
                : null);

            // Explicit, so that OpenIddict (which runs inside authentication) sees the exception handler and status code
            // pages above and its errors come out as JSON too.
            site.UseAuthentication();
            site.UseAuthorization();
        });

        // WebApplication adds UseAuthentication/UseAuthorization in front of everything unless the app's own builder
        // records that it called them; calls inside a UseWhen branch are recorded on the branch's copy only.
        ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
        ((IApplicationBuilder)app).Properties["__AuthorizationMiddlewareSet"] = true;
        return app;
    }
}
