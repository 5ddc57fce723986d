using Facade.DeviceEdge.Broker;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class BrokerExtensions
{
    /// <summary>
    /// The embedded MQTT broker: device authentication, the topic ACL, connection status, and the seams later features
    /// plug into (<see cref="IDeviceMessageHandler"/> in, <see cref="IDeviceChannel"/> and <see cref="IAlertChannel"/> out). Register after the data
    /// and status features: hosted services start in order, and devices must not connect before migrations ran.
    /// </summary>
    public static IHostApplicationBuilder AddDeviceBroker(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<MqttOptions>()
            .BindConfiguration(MqttOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MqttOptions>, MqttOptionsValidator>());
        builder.Services.TryAddSingleton<MqttListener>();
        builder.Services.TryAddSingleton<DeviceSessions>();
        builder.Services.TryAddSingleton<DeviceAuthenticator>();
        builder.Services.TryAddSingleton<AlertSubscribers>();
        builder.Services.TryAddSingleton<DeviceMessageDispatcher>();
        builder.Services.TryAddSingleton<DeviceBrokerEvents>();
        builder.Services.TryAddSingleton<DeviceDeliveryEvents>();
        builder.Services.TryAddSingleton<EmbeddedBroker>();
        builder.Services.TryAddSingleton<IDeviceChannel>(services => services.GetRequiredService<EmbeddedBroker>());
        builder.Services.TryAddSingleton<IAlertChannel>(services => services.GetRequiredService<EmbeddedBroker>());
        builder.Services.AddHostedService(services => services.GetRequiredService<EmbeddedBroker>());
        builder.Services.AddHealthChecks().AddCheck<BrokerHealthCheck>("mqtt-broker");
        return builder;
    }
}
