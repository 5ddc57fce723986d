extern alias edge;

using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.Testing;

/// <summary>
/// The real edge (proxy/Program.cs) on Kestrel at 127.0.0.1 on a free port, in Development mode, with its own
/// temporary data folder (SQLite file, keys). Dispose deletes the folder.
/// </summary>
public sealed class FacadeHost : WebApplicationFactory<edge::Program>
{
    private readonly Dictionary<string, string?> _settings;

    private readonly string _environment;

    private readonly Action<IServiceCollection>? _services;

    private FacadeHost(Dictionary<string, string?> settings, string dataDirectory, string environment, Action<IServiceCollection>? services)
    {
        _settings = settings;
        _environment = environment;
        _services = services;
        DataDirectory = dataDirectory;
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    public string DataDirectory { get; }

    /// <summary>The edge's base URL with a trailing slash, e.g. <c>http://127.0.0.1:41234/</c>: issuer and canonical resource.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public string Issuer => BaseUrl.AbsoluteUri;

    /// <summary>
    /// Starts an edge. <paramref name="legacyApiUrl"/> points the <c>legacy</c> cluster at a mock; <paramref name="services"/>
    /// adds or replaces services after the edge registered its own (e.g. a fake <c>TimeProvider</c>, a capturing logger provider).
    /// </summary>
    public static FacadeHost Start(string? legacyApiUrl = null, IDictionary<string, string?>? settings = null, string? dataDirectory = null, string environment = "Development",
        Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Facade:SeedDemoUser"] = "true",
            ["Facade:Registration:AllowInsecureMetadataDocuments"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (legacyApiUrl is not null)
        {
            all["ReverseProxy:Clusters:legacy:Destinations:primary:Address"] = legacyApiUrl;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var host = new FacadeHost(all, dataDirectory ?? Directory.CreateTempSubdirectory("facade-test-").FullName, environment, services);
        host.BaseUrl = KestrelHosts.Start(host);
        return host;
    }

    /// <summary>A plain client for this edge: no cookies, no redirects followed.</summary>
    public HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseUrl };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        _settings["Facade:DataDirectory"] = DataDirectory;

        // UseSetting is visible while Program.cs composes services; the in-memory source added last also wins over
        // appsettings.*.json and yarp.json for everything read at run time (YARP clusters, options).
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    /// <summary>Keep the data folder on dispose (to restart an edge over the same database and keys).</summary>
    public bool KeepData { get; set; }

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
