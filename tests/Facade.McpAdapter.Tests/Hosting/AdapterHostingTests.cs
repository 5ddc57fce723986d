using System.Net;
using Facade.Common;
using Facade.McpAdapter.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.McpAdapter.Tests.Hosting;

/// <summary>
/// How the adapter comes up: on loopback unless told otherwise (reached around the edge it skips the edge's checks),
/// and, outside Development, not at all without the client it follows the edge's revocation feed with.
/// </summary>
public sealed class AdapterHostingTests
{
    private static readonly Dictionary<string, string?> ProductionSettings = new()
    {
        ["Adapter:Issuer"] = "http://127.0.0.1:1/",
        ["Adapter:Revocations:ClientId"] = "adapter",
        ["Adapter:Revocations:ClientSecret"] = "adapter-secret-0123456789",
    };

    [Fact]
    public void Production_WithoutAddressesConfigured_ListensOnLoopback5010()
    {
        using var adapter = Adapter("Production", ProductionSettings);

        var urls = adapter.Services.GetRequiredService<IConfiguration>()["urls"];

        Assert.Equal("http://127.0.0.1:5010", urls);
    }

    [Fact]
    public void ConfiguredUrls_AreKept()
    {
        using var adapter = Adapter("Production", new Dictionary<string, string?>(ProductionSettings) { ["urls"] = "http://0.0.0.0:6010" });

        Assert.Equal("http://0.0.0.0:6010", adapter.Services.GetRequiredService<IConfiguration>()["urls"]);
    }

    [Fact]
    public async Task LoopbackDefault_IsWhatKestrelBinds()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", Args = [] });
        builder.ListenOnLoopbackByDefault(port: 0);
        await using var app = builder.Build();

        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = new Uri(Assert.Single(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses));
        await app.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(IPAddress.Loopback, IPAddress.Parse(address.Host));
    }

    [Theory]
    [InlineData("Adapter:Revocations:ClientId")]
    [InlineData("Adapter:Revocations:ClientSecret")]
    public void Production_WithoutTheRevocationClient_RefusesToStart_NamingTheKey(string missing)
    {
        var settings = new Dictionary<string, string?>(ProductionSettings) { [missing] = null };

        using var adapter = Adapter("Production", settings);
        var error = Assert.ThrowsAny<Exception>(() => adapter.Services);

        Assert.Contains(missing + " is required", Flatten(error), StringComparison.Ordinal);
    }

    private static WebApplicationFactory<AdapterOptions> Adapter(string environment, IDictionary<string, string?> settings) =>
        new WebApplicationFactory<AdapterOptions>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment(environment);
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });

    private static string Flatten(Exception exception) =>
        exception.InnerException is null ? exception.Message : exception.Message + " | " + Flatten(exception.InnerException);
}
