using Facade.DeviceEdge.Agents;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class AgentsExtensions
{
    /// <summary>
    /// The agent channel: the in-memory call hub, the callers' and runtimes' REST endpoints, and the MQTT side the
    /// embedded broker resolves when it starts (<see cref="AgentBroker"/>). Register before the broker.
    /// </summary>
    public static IHostApplicationBuilder AddAgents(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AgentOptions>()
            .BindConfiguration(AgentOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>());
        builder.Services.TryAddSingleton<AgentCallHub>();
        builder.Services.TryAddSingleton<AgentTokenValidator>();
        builder.Services.TryAddSingleton<AgentKeyExchange>();
        builder.Services.TryAddSingleton<AgentBroker>();
        builder.Services.AddHttpClient(AgentKeyExchange.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        return builder;
    }

    public static WebApplication MapAgents(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapAgentCallsApi();
        app.MapAgentChannelApi();
        return app;
    }
}
