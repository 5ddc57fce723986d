using Facade.DeviceEdge.Alerts;
using Facade.DeviceEdge.Commands;
using Facade.DeviceEdge.Realtime;
using Facade.DeviceEdge.Status;
using Facade.DeviceEdge.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

internal static class RealtimeExtensions
{
    /// <summary>
    /// The realtime event feed the edge's hub reads: one broadcaster fed by the telemetry, status, command and alert
    /// observers. Register before the features whose observers it joins are resolved (any time before Build).
    /// </summary>
    public static IHostApplicationBuilder AddDeviceRealtime(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<RealtimeFeedOptions>()
            .BindConfiguration(RealtimeFeedOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton<RealtimeBroadcaster>();
        builder.Services.TryAddSingleton<RealtimeObservers>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ITelemetryObserver, RealtimeObservers>(s => s.GetRequiredService<RealtimeObservers>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeviceStatusObserver, RealtimeObservers>(s => s.GetRequiredService<RealtimeObservers>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ICommandObserver, RealtimeObservers>(s => s.GetRequiredService<RealtimeObservers>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertObserver, RealtimeObservers>(s => s.GetRequiredService<RealtimeObservers>()));
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, RealtimeJsonContext.Default));
        return builder;
    }

    public static WebApplication MapDeviceRealtime(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapRealtimeFeedApi();
        return app;
    }
}
