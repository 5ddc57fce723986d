using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class TelemetryExtensions
{
    /// <summary>
    /// Telemetry: the ingest handler, the group-commit writer, observers told after commit, retention and the REST API.
    /// Register after the data feature (the writer starts after migrations) and before the broker (it stops first, so
    /// the writer commits what devices sent before it closes).
    /// </summary>
    public static IHostApplicationBuilder AddDeviceTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<TelemetryOptions>()
            .BindConfiguration(TelemetryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());
        builder.Services.TryAddSingleton<TelemetryUnits>();
        builder.Services.TryAddSingleton<TelemetryStats>();
        builder.Services.TryAddSingleton<TelemetryRefusalLog>();
        builder.Services.TryAddSingleton<TelemetryPayloadReader>();
        builder.Services.TryAddSingleton<TelemetryQueries>();

        // Hosted services stop in reverse order: the writer commits its queue, then the observers get what it published.
        builder.Services.TryAddSingleton<TelemetryObservers>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TelemetryObservers>());
        builder.Services.TryAddSingleton<TelemetryWriter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TelemetryWriter>());
        builder.Services.TryAddSingleton<TelemetryRetention>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TelemetryRetention>());

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeviceMessageHandler, TelemetryMessageHandler>());
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(TelemetryJsonContext.Default));
        return builder;
    }

    public static WebApplication MapDeviceTelemetry(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapTelemetryApi();
        return app;
    }
}
