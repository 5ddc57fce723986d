using System.Net;
using Facade.Mocks.AgentResponder.Channel;
using Facade.Mocks.AgentResponder.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class ResponderExtensions
{
    /// <summary>
    /// The agent runtime (options from <c>Responder</c>, validated at start; the key from <c>AGENT_KEY</c> or the key
    /// file) and its health endpoint, which listens on 127.0.0.1 only, whatever <c>urls</c> say.
    /// </summary>
    public static IHostApplicationBuilder AddAgentResponder(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ResponderOptions>()
            .BindConfiguration(ResponderOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) => options.Key ??= configuration[ResponderOptions.KeyVariable])
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ResponderOptions>, ResponderOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<ChannelState>();
        builder.Services.TryAddSingleton<CallDispatcher>();
        builder.Services.AddHttpClient(AgentRuntime.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(60));
        builder.Services.AddHostedService<AgentRuntime>();
        builder.Services.AddHealthChecks().AddCheck<ChannelHealthCheck>("channel");
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<ResponderOptions>>((kestrel, responder) => kestrel.Listen(IPAddress.Loopback, responder.Value.HealthPort));
        return builder;
    }
}
