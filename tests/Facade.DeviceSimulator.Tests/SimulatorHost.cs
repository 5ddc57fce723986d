extern alias simulator;

using System.Net.Http.Json;
using System.Text.Json;
using Facade.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Facade.DeviceSimulator.Tests;

/// <summary>
/// The real simulator (mocks/DeviceSimulator/Program.cs) with its control endpoint on a free loopback port, simulating
/// the devices of a credentials file against a broker on 127.0.0.1. Short delays (acknowledgements, reconnects,
/// reboots) keep the tests quick; a fixed seed keeps values repeatable. Its log lines are kept in <see cref="Logs"/>.
/// </summary>
internal sealed class SimulatorHost : WebApplicationFactory<simulator::Program>
{
    private readonly Dictionary<string, string?> _settings;

    private SimulatorHost(Dictionary<string, string?> settings, CapturedLogs logs)
    {
        _settings = settings;
        Logs = logs;
        UseKestrel();
    }

    /// <summary>The control endpoint's base URL, with a trailing slash.</summary>
    public Uri ControlUrl { get; private set; } = null!;

    public CapturedLogs Logs { get; }

    /// <summary>Starts the simulator; <paramref name="logs"/> keeps its log lines even when it fails to start.</summary>
    public static SimulatorHost Start(int mqttPort, string credentialsFile, IDictionary<string, string?>? settings = null, CapturedLogs? logs = null)
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Simulator:BrokerHost"] = "127.0.0.1",
            ["Simulator:BrokerPort"] = mqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Simulator:CredentialsFile"] = credentialsFile,
            ["Simulator:ControlPort"] = "0",
            ["Simulator:AckDelay"] = "00:00:00.050",
            ["Simulator:RebootDuration"] = "00:00:00.500",
            ["Simulator:ReconnectDelay"] = "00:00:00.100",
            ["Simulator:MaxReconnectDelay"] = "00:00:00.500",
            ["Simulator:Seed"] = "42",
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var host = new SimulatorHost(all, logs ?? new CapturedLogs());
        host.ControlUrl = KestrelHosts.Start(host);
        return host;
    }

    public HttpClient CreateControlClient() => new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = ControlUrl };

    /// <summary>The control endpoint's view of a device.</summary>
    public async Task<JsonElement> DeviceAsync(string id)
    {
        using var client = CreateControlClient();
        return await client.GetFromJsonAsync<JsonElement>($"devices/{id}", TestContext.Current.CancellationToken);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("hostBuilder:reloadConfigOnChange", "false");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(Logs));
    }
}
