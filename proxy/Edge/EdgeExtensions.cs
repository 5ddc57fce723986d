using Facade.Proxy.Discovery;
using Facade.Proxy.Edge;
using Facade.Proxy.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace Microsoft.Extensions.Hosting;

internal static class EdgeExtensions
{
    /// <summary>YARP routes from yarp.json (hot-reloaded), in-process JWT validation, scope checks, upstream token modes.</summary>
    public static IHostApplicationBuilder AddEdgeProxy(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptions<EdgeOptions>().BindConfiguration(EdgeOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.IdentitySigningKey is null || o.IdentitySigningKey.Length >= 32,
                "Facade:Edge:IdentitySigningKey must be at least 32 characters.")
            .Validate(o => o.TrustedProxies.All(TrustedProxies.IsValid),
                "Facade:Edge:TrustedProxies must list IP addresses or networks in CIDR notation (10.0.0.0/8).")
            .Validate(o => o.ProtectedPrefixes.All(p => p.Length > 0 && !p.Contains('/', StringComparison.Ordinal)),
                "Facade:Edge:ProtectedPrefixes holds first path segments such as 'mcp' (no '/'); give a longer resource path to its route as Facade.ResourcePath.")
            .ValidateOnStart();

        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>());
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<EdgeOptions>>((forwarded, edge) => TrustedProxies.Configure(forwarded, edge.Value));

        RoutesFile.AddTo(builder, RoutesFilePath(builder));

        // ASP.NET Core's "Request starting/finished" lines carry the query string, and with it ?access_token=.
        if (builder.Configuration.GetValue<bool>($"{EdgeOptions.SectionName}:{nameof(EdgeOptions.AllowQueryStringToken)}"))
        {
            builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        }

        builder.Services.AddSingleton<EdgeTokenValidator>();
        builder.Services.AddSingleton<IdentityHeaderFilter>();
        builder.Services.AddSingleton<EdgeCookieFilter>();
        builder.Services.AddSingleton<EdgeRateLimiter>();
        builder.Services.AddSingleton<EdgeMiddleware>();
        builder.Services.TryAddSingleton<EdgeMetrics>();
        builder.Services.AddSingleton<ProtectedResources>();

        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<EdgeConfigFilter>()
            .AddTransforms<EdgeTransforms>();
        return builder;
    }

    public static WebApplication MapEdgeProxy(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var edge = app.Services.GetRequiredService<EdgeMiddleware>();
        _ = app.Services.GetRequiredService<RoutesFile>(); // resolved once, so the container disposes it (and its polling) with the app
        app.MapReverseProxy(proxy =>
        {
            proxy.Use((context, next) => edge.InvokeAsync(context, () => next(context)));
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return app;
    }

    private static string RoutesFilePath(IHostApplicationBuilder builder)
    {
        var configured = builder.Configuration[$"{EdgeOptions.SectionName}:RoutesFile"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured, builder.Environment.ContentRootPath);
        }

        var root = builder.Environment.ContentRootPath;
        var candidates = new[] { Path.Combine(root, "yarp.json"), Path.Combine(root, "..", "yarp.json") };
        return Path.GetFullPath(candidates.FirstOrDefault(File.Exists) ?? candidates[0]);
    }
}
