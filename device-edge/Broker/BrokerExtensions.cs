using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.ExternalBroker;
using Facade.DeviceEdge.Hosting;
using Facade.DeviceEdge.Mosquitto;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class BrokerExtensions
{
    /// <summary>
    /// The MQTT side: the embedded broker (device authentication, the topic ACL, connection status) or, with
    /// <c>DeviceEdge:Mqtt:Mode=External</c>, the client of an external broker and the mosquitto accounts it needs; and
    /// the seams later features plug into (<see cref="IDeviceMessageHandler"/> in, <see cref="IDeviceChannel"/> and <see cref="IAlertChannel"/>
    /// out),
    /// the same in both modes. Register after the data and status features: hosted services start in order, and devices
    /// must not connect before migrations ran.
    /// </summary>
    public static IHostApplicationBuilder AddDeviceBroker(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddBrokerOptions();
        builder.AddMosquittoAccounts();
        builder.Services.TryAddSingleton<MqttListener>();
        builder.Services.TryAddSingleton<DeviceSessions>();
        builder.Services.TryAddSingleton<DeviceAuthenticator>();
        builder.Services.TryAddSingleton<AlertSubscribers>();
        builder.Services.TryAddSingleton<DeviceEdgeMetrics>();
        builder.Services.TryAddSingleton<DeviceMessageDispatcher>();
        builder.Services.TryAddSingleton<DeviceBrokerEvents>();
        builder.Services.TryAddSingleton<DeviceDeliveryEvents>();
        builder.Services.TryAddSingleton<EmbeddedBroker>();
        builder.Services.TryAddSingleton<ExternalBrokerClient>();
        builder.Services.TryAddSingleton<DeviceBroker>();
        builder.Services.TryAddSingleton<IDeviceChannel>(services => services.GetRequiredService<DeviceBroker>());
        builder.Services.TryAddSingleton<IAlertChannel>(services => services.GetRequiredService<DeviceBroker>());
        builder.Services.AddHostedService(services => services.GetRequiredService<MosquittoAccountsSync>());
        builder.Services.AddHostedService(services => services.GetRequiredService<DeviceBroker>());
        builder.Services.AddHealthChecks().AddCheck<BrokerHealthCheck>("mqtt-broker");
        return builder;
    }

    /// <summary><c>DeviceEdge:Mqtt</c> and <c>DeviceEdge:Mqtt:External</c>, bound and validated at start (once, whoever asks first).</summary>
    internal static IHostApplicationBuilder AddBrokerOptions(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(d => d.ImplementationType == typeof(MqttOptionsValidator)))
        {
            return builder;
        }

        builder.Services.AddOptions<MqttOptions>()
            .BindConfiguration(MqttOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MqttOptions>, MqttOptionsValidator>());
        builder.Services.AddOptions<ExternalBrokerOptions>()
            .BindConfiguration(ExternalBrokerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExternalBrokerOptions>, ExternalBrokerOptionsValidator>());
        return builder;
    }
}
