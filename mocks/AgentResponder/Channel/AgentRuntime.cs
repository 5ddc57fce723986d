using Facade.Mocks.AgentResponder.Hosting;
using Microsoft.Extensions.Options;

namespace Facade.Mocks.AgentResponder.Channel;

/// <summary>Runs the configured channel (MQTT or REST) for as long as the host runs.</summary>
internal sealed class AgentRuntime(
    IOptions<ResponderOptions> options,
    IHostEnvironment environment,
    IHttpClientFactory httpClients,
    CallDispatcher dispatcher,
    ChannelState state,
    TimeProvider time,
    ILogger<AgentRuntime> logger) : BackgroundService
{
    public const string HttpClientName = "Facade.AgentResponder";

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;

        // The validator already checked that a key can be read.
        var key = AgentKey.Read(settings, environment.ContentRootPath, out var problem) ?? throw new InvalidDataException(problem);
        return settings.Transport == ResponderTransport.Rest
            ? new RestChannel(settings, key, httpClients.CreateClient(HttpClientName), dispatcher, state, time, logger).RunAsync(stoppingToken)
            : new MqttChannel(settings, key, dispatcher, state, time, logger).RunAsync(stoppingToken);
    }
}
