extern alias adapter;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.Testing;

/// <summary>The real MCP adapter (mcp-adapter/Program.cs) on Kestrel at 127.0.0.1, accepting tokens of one edge.</summary>
public sealed class McpAdapterHost : WebApplicationFactory<adapter::Program>
{
    private readonly Dictionary<string, string?> _settings;

    private readonly Action<IServiceCollection>? _services;

    private McpAdapterHost(Dictionary<string, string?> settings, int port, Action<IServiceCollection>? services, McpWireLog? wire)
    {
        // The address goes in as configuration, as a deployment would give it, so that the adapter's own default
        // (loopback:5010 when nothing is configured) stays out of the way.
        _settings = settings;
        _services = services;
        Wire = wire;
        _settings["urls"] = $"http://127.0.0.1:{port}";
        UseKestrel();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri BaseUrl { get; }

    /// <summary>What the adapter received, when the host was started with a <see cref="McpWireLog"/>.</summary>
    public McpWireLog? Wire { get; }

    /// <summary>
    /// A free loopback port for an adapter that is started after the edge routing to it: edge and adapter each
    /// need the other's address, so the adapter's is chosen first.
    /// </summary>
    public static int ReservePort() => LoopbackPort.Free();

    public static McpAdapterHost Start(int port, Uri edgeIssuer, string? legacyApiUrl, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null, McpWireLog? wire = null)
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Adapter:Issuer"] = edgeIssuer.AbsoluteUri,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (legacyApiUrl is not null)
        {
            all["Adapter:Backends:legacy"] = legacyApiUrl;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var host = new McpAdapterHost(all, port, services, wire);
        KestrelHosts.Start(host);
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
        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }

        if (Wire is not null)
        {
            builder.ConfigureServices(services => services.AddSingleton(Wire.StartupFilter()));
        }
    }
}
