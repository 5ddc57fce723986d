extern alias responder;

using System.Globalization;
using Facade.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Facade.AgentResponder.Tests.Channel;

/// <summary>The real responder (mocks/AgentResponder/Program.cs), its health endpoint on a free loopback port, quick reconnects.</summary>
internal sealed class ResponderHost : WebApplicationFactory<responder::Program>
{
    private readonly Dictionary<string, string?> _settings;

    private ResponderHost(Dictionary<string, string?> settings)
    {
        _settings = settings;
        UseKestrel();
    }

    public CapturedLogs Logs { get; } = new();

    public Uri HealthUrl { get; private set; } = null!;

    public static ResponderHost Start(int mqttPort, string key, IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Responder:AgentId"] = "research",
            ["Responder:Key"] = key,
            ["Responder:KeyFile"] = "",
            ["Responder:BrokerHost"] = "127.0.0.1",
            ["Responder:BrokerPort"] = mqttPort.ToString(CultureInfo.InvariantCulture),
            ["Responder:HealthPort"] = "0",
            ["Responder:ReconnectDelay"] = "00:00:00.050",
            ["Responder:MaxReconnectDelay"] = "00:00:00.200",
            ["Logging:LogLevel:Default"] = "Information",
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
        {
            all[name] = value;
        }

        var host = new ResponderHost(all);
        host.HealthUrl = KestrelHosts.Start(host);
        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(Logs));
    }
}
