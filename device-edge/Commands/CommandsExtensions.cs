using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Commands;
using Facade.DeviceEdge.Hosting;
using Facade.DeviceEdge.Status;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

internal static class CommandsExtensions
{
    /// <summary>
    /// Commands to devices: the REST API and audit, delivery to online devices and to devices when they come back, the
    /// devices' answers, and the sweeper that times out what was not answered. Register before the broker.
    /// </summary>
    public static IHostApplicationBuilder AddDeviceCommands(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(s => s.ServiceType == typeof(CommandTriggers)))
        {
            return builder; // Added already: the observers and hosted services below must be registered once.
        }

        builder.Services.AddOptions<CommandOptions>()
            .BindConfiguration(CommandOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton<CommandWaiters>();
        builder.Services.TryAddSingleton<CommandChangeNotifier>();
        builder.Services.TryAddSingleton<DeviceEdgeMetrics>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ICommandObserver, DeviceEdgeMetrics>(s => s.GetRequiredService<DeviceEdgeMetrics>()));
        builder.Services.TryAddSingleton<CommandStore>();
        builder.Services.TryAddSingleton<CommandDelivery>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CommandDelivery>());
        builder.Services.AddHostedService<CommandSweeper>();
        builder.Services.AddSingleton<CommandTriggers>();
        builder.Services.AddSingleton<IDeviceStatusObserver>(services => services.GetRequiredService<CommandTriggers>());
        builder.Services.AddSingleton<IDeviceDeliveryObserver>(services => services.GetRequiredService<CommandTriggers>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeviceMessageHandler, CommandAckHandler>());
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, CommandsJsonContext.Default));
        return builder;
    }

    public static WebApplication MapDeviceCommands(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapCommandsApi();
        app.MapCommandAuditApi();
        return app;
    }
}
