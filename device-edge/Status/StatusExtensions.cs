using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Status;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

internal static class StatusExtensions
{
    /// <summary>
    /// Online/offline, last seen and connection info of every device, in memory and flushed to the database; the
    /// status topic handler; the fleet summary. Register before the broker (the board is loaded at start).
    /// </summary>
    public static IHostApplicationBuilder AddDeviceStatus(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<DeviceStatusBoard>();
        builder.Services.TryAddSingleton<DeviceStatusNotifier>();
        builder.Services.TryAddSingleton<StatusFlusher>();
        builder.Services.AddHostedService(services => services.GetRequiredService<StatusFlusher>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeviceMessageHandler, StatusMessageHandler>());
        return builder;
    }

    public static WebApplication MapDeviceStatus(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapFleetSummaryApi();
        return app;
    }
}
