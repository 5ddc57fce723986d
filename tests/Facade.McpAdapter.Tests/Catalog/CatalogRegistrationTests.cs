using Facade.McpAdapter.Backend;
using Facade.McpAdapter.Catalog;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Facade.McpAdapter.Tests.Catalog;

/// <summary><c>AddToolCatalog()</c> + <c>AddBackendInvoker()</c> as Program.cs uses them.</summary>
public sealed class CatalogRegistrationTests : IDisposable
{
    private readonly CatalogTestFiles _files = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ShippedCatalog_LoadsAtStart_WithTheConfiguredBackendUrl()
    {
        using var host = Build(new()
        {
            ["Adapter:Catalog:Path"] = CatalogTestFiles.ShippedCatalogPath,
            ["Adapter:Backends:legacy"] = "http://127.0.0.1:41234",
        });
        await host.StartAsync(Ct);

        var catalog = host.Services.GetRequiredService<ToolCatalog>();
        Assert.Equal(new Uri("http://127.0.0.1:41234/"), catalog.Backends["legacy"].BaseUri);
        Assert.Equal(13, catalog.Default.Tools.Count);
        Assert.NotNull(host.Services.GetRequiredService<BackendInvoker>());
        await host.StopAsync(Ct);
    }

    [Fact]
    public void DefaultPath_IsCatalogJsonUnderTheContentRoot()
    {
        Assert.Equal("catalog/catalog.json", new CatalogOptions().Path);
        var resolved = CatalogExtensions.ResolvePath("catalog/catalog.json", Path.GetDirectoryName(CatalogTestFiles.ShippedCatalogDirectory)!);
        Assert.Equal(CatalogTestFiles.ShippedCatalogPath, resolved);
    }

    [Fact]
    public async Task InvalidCatalog_StopsTheStart_ListingEveryError()
    {
        var path = _files.Write("catalog.json", CatalogJson.With($"{CatalogJson.GetTaskTool}, {CatalogJson.GetTaskTool}, {CatalogJson.Tool("y", scopes: """["nope"]""")}"));
        using var host = Build(new() { ["Adapter:Catalog:Path"] = path });

        var exception = await Assert.ThrowsAsync<CatalogValidationException>(() => host.StartAsync(Ct));

        Assert.Equal(2, exception.Errors.Count);
        Assert.Contains("tools[1]: duplicate name 'get_task'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("tools[2] 'y': scope 'nope' is not a known scope", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadCallOptions_AreRejectedAtStart()
    {
        using var host = Build(new()
        {
            ["Adapter:Catalog:Path"] = CatalogTestFiles.ShippedCatalogPath,
            ["Adapter:BackendCalls:MaxResponseBytes"] = "0",
        });

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));
        Assert.Contains("MaxResponseBytes", exception.Message, StringComparison.Ordinal);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development" });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddToolCatalog().AddBackendInvoker();
        return builder.Build();
    }

    public void Dispose() => _files.Dispose();
}
