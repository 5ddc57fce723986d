using Facade.McpAdapter.Backend;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.McpAdapter.Tests.Backend;

/// <summary>A <see cref="BackendInvoker"/> wired exactly as the adapter wires it (named client, options, logging).</summary>
internal sealed class InvokerHost : IDisposable
{
    private readonly ServiceProvider _provider;

    public InvokerHost(Dictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddBackendInvoker();
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Invoker = _provider.GetRequiredService<BackendInvoker>();
    }

    public BackendInvoker Invoker { get; }

    public void Dispose() => _provider.Dispose();
}
