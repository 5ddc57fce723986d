using System.Security.Cryptography;
using Facade.Mocks.LegacyApi;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.Testing;

/// <summary>
/// Legacy mock + edge + MCP adapter (+ optionally the device edge), wired to each other on loopback: the whole system
/// for end-to-end tests.
/// </summary>
public sealed class FacadeStack : IAsyncDisposable
{
    private FacadeStack(LegacyApiServer legacy, FacadeHost edge, McpAdapterHost adapter, DeviceEdgeHost? devices)
    {
        Legacy = legacy;
        Edge = edge;
        Adapter = adapter;
        Devices = devices;
    }

    public LegacyApiServer Legacy { get; }

    public FacadeHost Edge { get; }

    public McpAdapterHost Adapter { get; }

    /// <summary>
    /// The device edge, when started with <c>withDevices</c>: the edge's <c>device-edge</c> cluster and the adapter's
    /// <c>devices</c> and <c>agents</c> (agent channel) backends.
    /// </summary>
    public DeviceEdgeHost? Devices { get; }

    public Uri McpUrl => new(Edge.BaseUrl, "mcp");

    /// <summary>The resource-server client the adapter follows the edge's revocation feed with (seeded on the edge).</summary>
    public const string AdapterClientId = "facade-stack-adapter";

    /// <summary>
    /// Starts the three. The edge seeds <see cref="AdapterClientId"/> with a fresh secret and the adapter follows the
    /// edge's revocation feed with it; either side's settings may override anything. <paramref name="services"/> adds
    /// services to both the edge and the adapter (e.g. a log capture); <paramref name="recordAdapterRequests"/> keeps a
    /// <see cref="McpWireLog"/> of what reached the adapter (<c>Adapter.Wire</c>). <paramref name="withDevices"/> also
    /// starts a device edge trusting the edge, behind its <c>/devices</c> and <c>/alerts</c> routes and as the adapter's
    /// <c>devices</c> backend (with <paramref name="deviceSettings"/> added to its own).
    /// </summary>
    public static FacadeStack Start(IDictionary<string, string?>? edgeSettings = null, IDictionary<string, string?>? adapterSettings = null,
        Action<IServiceCollection>? services = null, bool recordAdapterRequests = false, bool withDevices = false,
        IDictionary<string, string?>? deviceSettings = null)
    {
        var legacy = LegacyApiServer.Start();
        var adapterPort = McpAdapterHost.ReservePort();
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var settings = new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:mcp-adapter:Destinations:primary:Address"] = $"http://127.0.0.1:{adapterPort}/",
            [$"Facade:Clients:{AdapterClientId}:ClientId"] = AdapterClientId,
            [$"Facade:Clients:{AdapterClientId}:ClientSecret"] = secret,
            [$"Facade:Clients:{AdapterClientId}:Introspection"] = "true",
        };
        var devicesPort = withDevices ? McpAdapterHost.ReservePort() : 0;
        if (withDevices)
        {
            foreach (var (key, value) in DeviceEdgeHost.EdgeSettings())
            {
                settings[key] = value;
            }

            settings["ReverseProxy:Clusters:device-edge:Destinations:primary:Address"] = $"http://127.0.0.1:{devicesPort}/";
        }

        foreach (var (key, value) in edgeSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var adapterAll = new Dictionary<string, string?>
        {
            ["Adapter:Revocations:ClientId"] = AdapterClientId,
            ["Adapter:Revocations:ClientSecret"] = secret,
        };
        if (withDevices)
        {
            adapterAll["Adapter:Backends:devices"] = $"http://127.0.0.1:{devicesPort}/";
            adapterAll["Adapter:Backends:agents"] = $"http://127.0.0.1:{devicesPort}/";
        }

        foreach (var (key, value) in adapterSettings ?? new Dictionary<string, string?>())
        {
            adapterAll[key] = value;
        }

        var edge = FacadeHost.Start(legacy.Url, settings, services: services);
        var devices = withDevices ? DeviceEdgeHost.Start(edge.BaseUrl, deviceSettings, port: devicesPort) : null;
        var adapter = McpAdapterHost.Start(adapterPort, edge.BaseUrl, legacy.Url, adapterAll, services, recordAdapterRequests ? new McpWireLog() : null);
        return new FacadeStack(legacy, edge, adapter, devices);
    }

    public async ValueTask DisposeAsync()
    {
        await Adapter.DisposeAsync();
        if (Devices is not null)
        {
            await Devices.DisposeAsync();
        }

        await Edge.DisposeAsync();
        Legacy.Dispose();
    }
}
