using Facade.Mocks.LegacyApi;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.Testing;

/// <summary>Legacy mock + edge + MCP adapter, wired to each other on loopback: the whole system for end-to-end tests.</summary>
public sealed class FacadeStack : IAsyncDisposable
{
    private FacadeStack(LegacyApiServer legacy, FacadeHost edge, McpAdapterHost adapter)
    {
        Legacy = legacy;
        Edge = edge;
        Adapter = adapter;
    }

    public LegacyApiServer Legacy { get; }

    public FacadeHost Edge { get; }

    public McpAdapterHost Adapter { get; }

    public Uri McpUrl => new(Edge.BaseUrl, "mcp");

    /// <summary>
    /// Starts the three. <paramref name="services"/> adds services to both the edge and the adapter (e.g. a log capture);
    /// <paramref name="recordAdapterRequests"/> keeps a <see cref="McpWireLog"/> of what reached the adapter (<c>Adapter.Wire</c>).
    /// </summary>
    public static FacadeStack Start(IDictionary<string, string?>? edgeSettings = null, IDictionary<string, string?>? adapterSettings = null,
        Action<IServiceCollection>? services = null, bool recordAdapterRequests = false)
    {
        var legacy = LegacyApiServer.Start();
        var adapterPort = McpAdapterHost.ReservePort();
        var settings = new Dictionary<string, string?>(edgeSettings ?? new Dictionary<string, string?>())
        {
            ["ReverseProxy:Clusters:mcp-adapter:Destinations:primary:Address"] = $"http://127.0.0.1:{adapterPort}/",
        };
        var edge = FacadeHost.Start(legacy.Url, settings, services: services);
        var adapter = McpAdapterHost.Start(adapterPort, edge.BaseUrl, legacy.Url, adapterSettings, services, recordAdapterRequests ? new McpWireLog() : null);
        return new FacadeStack(legacy, edge, adapter);
    }

    public async ValueTask DisposeAsync()
    {
        await Adapter.DisposeAsync();
        await Edge.DisposeAsync();
        Legacy.Dispose();
    }
}
