using Facade.Common.Net;
using Facade.DeviceEdge.Alerts;
using Facade.DeviceEdge.Hosting;
using Facade.DeviceEdge.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class AlertsExtensions
{
    /// <summary>
    /// Alert rules (REST), their evaluation on stored telemetry, and the notification outbox with its sender (webhooks
    /// through the public-only handler, MQTT through the broker). Register after the broker: the sender publishes there.
    /// </summary>
    public static IHostApplicationBuilder AddDeviceAlerts(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AlertOptions>()
            .BindConfiguration(AlertOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>());
        builder.Services.TryAddSingleton<JsonBody>();
        builder.Services.TryAddSingleton<AlertRuleCache>();
        builder.Services.TryAddSingleton<AlertNotificationSender>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ITelemetryObserver, AlertEvaluator>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AlertNotificationSender>(services => services.GetRequiredService<AlertNotificationSender>()));
        builder.Services.AddHttpClient(AlertNotificationSender.HttpClientName, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan; // each attempt has its own limit (AlertOptions.WebhookTimeout)
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Facade-DeviceEdge-Alerts/1");
            })
            .ConfigurePrimaryHttpMessageHandler(services =>
            {
                var options = services.GetRequiredService<IOptions<AlertOptions>>().Value;
                var environment = services.GetRequiredService<IHostEnvironment>();
                return PublicOnlyHttpHandler.Create(allowInternal: options.AllowInsecureWebhooks && environment.IsDevelopment(), options.WebhookTimeout);
            })
            .RemoveAllLoggers(); // the default handlers log request URLs, and a webhook URL can carry a secret
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, AlertsJsonContext.Default));
        return builder;
    }

    public static WebApplication MapDeviceAlerts(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapAlertRulesApi();
        return app;
    }
}
