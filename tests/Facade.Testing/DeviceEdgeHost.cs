extern alias deviceedge;

using System.Net;
using System.Net.Http.Headers;
using deviceedge::Facade.DeviceEdge.Broker;
using deviceedge::Facade.DeviceEdge.Status;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Facade.Testing;

/// <summary>
/// The real device edge (device-edge/Program.cs): REST on Kestrel at 127.0.0.1 and the embedded MQTT broker on a
/// free loopback port, accepting the tokens of one issuer (a real edge or a <see cref="TestIssuer"/>), with its own
/// temporary data folder. Its log lines are kept in <see cref="Logs"/> (not written to the console).
/// </summary>
public sealed class DeviceEdgeHost : WebApplicationFactory<deviceedge::Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _configureServices;

    private DeviceEdgeHost(Dictionary<string, string?> settings, int port, string dataDirectory, Action<IServiceCollection>? configureServices)
    {
        _settings = settings;
        _configureServices = configureServices;
        DataDirectory = dataDirectory;
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
    }

    public string DataDirectory { get; }

    /// <summary>The REST base URL with a trailing slash.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The embedded broker's port on 127.0.0.1 (0 in External mode: devices use the external broker).</summary>
    public int MqttPort { get; private set; }

    public CapturedLogs Logs { get; } = new();

    /// <summary>Keep the data folder on dispose (to restart over the same database).</summary>
    public bool KeepData { get; set; }

    /// <summary>The resource-server client the device edge reads the revocation feed with; a real edge must seed it (<see cref="EdgeSettings"/>).</summary>
    public const string RevocationClientId = "facade-test-device-edge";

    public const string RevocationClientSecret = "test-only-device-edge-feed-secret";

    /// <summary>What a real edge (<see cref="FacadeHost"/>) needs to serve this device edge's revocation feed client.</summary>
    public static Dictionary<string, string?> EdgeSettings() => new()
    {
        [$"Facade:Clients:{RevocationClientId}:ClientId"] = RevocationClientId,
        [$"Facade:Clients:{RevocationClientId}:ClientSecret"] = RevocationClientSecret,
        [$"Facade:Clients:{RevocationClientId}:Introspection"] = "true",
    };

    /// <summary>
    /// Starts a device edge trusting <paramref name="issuer"/>. <paramref name="port"/> 0 picks a free one (use
    /// <see cref="McpAdapterHost.ReservePort"/> when an edge must route to it first). <paramref name="configureServices"/>
    /// adds services after the app's own (e.g. an extra <c>IDeviceMessageHandler</c>).
    /// </summary>
    public static DeviceEdgeHost Start(Uri issuer, IDictionary<string, string?>? settings = null, int port = 0, string? dataDirectory = null,
        Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["DeviceEdge:Issuer"] = issuer.AbsoluteUri,
            ["DeviceEdge:Revocations:ClientId"] = RevocationClientId,
            ["DeviceEdge:Revocations:ClientSecret"] = RevocationClientSecret,
            ["DeviceEdge:Mqtt:Address"] = "127.0.0.1",
            ["DeviceEdge:Mqtt:Port"] = "0",
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft"] = "Warning",
            ["Logging:LogLevel:MQTTnet"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var host = new DeviceEdgeHost(all, port, dataDirectory ?? Directory.CreateTempSubdirectory("facade-devices-").FullName, configureServices);
        host.BaseUrl = KestrelHosts.Start(host);
        host.MqttPort = host.Services.GetRequiredService<MqttListener>().LocalEndPoint?.Port ?? 0;
        return host;
    }

    /// <summary>
    /// Waits until the device edge has recorded <paramref name="deviceId"/> as connected. MQTTnet raises its
    /// client-connected event after sending CONNACK, so a device's connect returns a moment before the edge counts it
    /// online; a test that asserts on status right after connecting waits here first.
    /// </summary>
    public async Task WaitUntilConnectedAsync(string deviceId, CancellationToken cancellationToken)
    {
        var board = Services.GetRequiredService<DeviceStatusBoard>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        while (!board.IsConnected(deviceId))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), timeout.Token);
        }
    }

    /// <summary>A plain client for the REST API, sending <paramref name="token"/> as the bearer token when given.</summary>
    public HttpClient CreateHttpClient(string? token = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseUrl };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");

        // No file watchers for appsettings: every watcher is an inotify instance, and parallel test hosts of every
        // project on one machine share the user's limit (128 by default).
        builder.UseSetting("hostBuilder:reloadConfigOnChange", "false");
        _settings["DeviceEdge:DataDirectory"] = DataDirectory;
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(Logs));
        if (_configureServices is not null)
        {
            builder.ConfigureServices(_configureServices);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (KeepData)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finalising connection; the OS temp cleaner will take it.
        }
    }
}
