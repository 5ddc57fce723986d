using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Shadows;
using Facade.DeviceEdge.Status;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

internal static class ShadowsExtensions
{
    /// <summary>Device shadows: the REST API, publishing the desired state, storing the reported one. Register before the broker.</summary>
    public static IHostApplicationBuilder AddDeviceShadows(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(s => s.ServiceType == typeof(ShadowTriggers)))
        {
            return builder; // Added already: the observers and hosted services below must be registered once.
        }

        builder.Services.AddOptions<ShadowOptions>()
            .BindConfiguration(ShadowOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton<ShadowStore>();
        builder.Services.TryAddSingleton<ShadowPublisher>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ShadowPublisher>());
        builder.Services.AddSingleton<ShadowTriggers>();
        builder.Services.AddSingleton<IDeviceStatusObserver>(services => services.GetRequiredService<ShadowTriggers>());
        builder.Services.AddSingleton<IDeviceDeliveryObserver>(services => services.GetRequiredService<ShadowTriggers>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeviceMessageHandler, ShadowReportedHandler>());
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ShadowsJsonContext.Default));
        return builder;
    }

    public static WebApplication MapDeviceShadows(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapShadowsApi();
        return app;
    }
}
