using Facade.Proxy.Realtime;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class RealtimeExtensions
{
    /// <summary>
    /// The realtime channel (<c>/realtime</c> WebSocket and <c>/realtime/sse</c>): the hub, the device edge's event feed
    /// it forwards, the revocation loop that closes revoked connections, and the named client for the device edge.
    /// Register after the edge proxy (it uses the edge's token validator).
    /// </summary>
    public static IHostApplicationBuilder AddRealtime(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<RealtimeOptions>().BindConfiguration(RealtimeOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<RealtimeOptions>, RealtimeOptionsSetup>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RealtimeOptions>, RealtimeOptionsValidator>());

        // The realtime endpoints accept ?access_token= (browsers' EventSource cannot send headers), and ASP.NET Core's
        // "Request starting/finished" lines carry the query string: they are never written, whatever the log levels.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        builder.Services.TryAddSingleton<RealtimeHub>();
        builder.Services.TryAddSingleton<RealtimeCredentials>();
        builder.Services.TryAddSingleton<RealtimeServices>();
        builder.Services.TryAddSingleton<RealtimeServiceToken>();
        builder.Services.TryAddSingleton<DeviceEdgeClient>();
        builder.Services.TryAddSingleton<DeviceEdgeFeed>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DeviceEdgeFeed>());
        builder.Services.AddHostedService<RealtimeRevocationWatcher>();
        builder.Services.AddHealthChecks().AddCheck<DeviceEdgeFeedHealthCheck>("realtime-feed");
        builder.Services.AddHttpClient(DeviceEdgeClient.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                UseProxy = false,
                UseCookies = false,
                AllowAutoRedirect = false,
                ConnectTimeout = TimeSpan.FromSeconds(2),
            })
            .RemoveAllLoggers(); // request logs would carry the subscribers' tokens' headers and URLs
        return builder;
    }

    public static WebApplication MapRealtime(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWebSockets();
        app.MapRealtimeEndpoints();
        var hub = app.Services.GetRequiredService<RealtimeHub>();
        app.Lifetime.ApplicationStopping.Register(() => hub.CloseAll(CloseReason.GoingAway));
        return app;
    }
}
