using Microsoft.Extensions.Options;

namespace Facade.McpAdapter.Catalog;

public static partial class CatalogExtensions
{
    /// <summary>
    /// Registers <see cref="CatalogOptions"/> (<c>Adapter:Catalog</c> + <c>Adapter:Backends</c>) and the
    /// <see cref="ToolCatalog"/> singleton, loaded and validated when the host starts: an invalid catalog stops the
    /// start with one <see cref="CatalogValidationException"/> listing every problem.
    /// </summary>
    public static IServiceCollection AddToolCatalog(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<CatalogOptions>()
            .BindConfiguration(CatalogOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) =>
            {
                foreach (var backend in configuration.GetSection(CatalogOptions.BackendsSectionName).GetChildren())
                {
                    if (!string.IsNullOrWhiteSpace(backend.Value))
                    {
                        options.Backends[backend.Key] = backend.Value;
                    }
                }
            })
            .Validate(o => !string.IsNullOrWhiteSpace(o.Path), $"{CatalogOptions.SectionName}:Path is required.")
            .ValidateOnStart();

        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<CatalogOptions>>().Value;
            var environment = provider.GetRequiredService<IHostEnvironment>();
            var path = ResolvePath(options.Path, environment.ContentRootPath);
            var catalog = CatalogLoader.Load(path, options.Backends);
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ToolCatalog));
            LogLoaded(logger, path, catalog.Tools.Count, catalog.Default.Tools.Count, catalog.Resources.Count + catalog.ResourceTemplates.Count, catalog.Prompts.Count, catalog.Agents.Count);
            foreach (var backend in catalog.Backends.Values)
            {
                LogBackend(logger, backend.Name, backend.BaseUri, options.Backends.ContainsKey(backend.Name) ? CatalogOptions.BackendsSectionName : "catalog file");
            }

            return catalog;
        });
        services.AddHostedService<CatalogStartupCheck>();
        return services;
    }

    /// <summary>Relative to the content root; falls back to the app's own folder (where the build copies <c>catalog/</c>).</summary>
    internal static string ResolvePath(string path, string contentRoot)
    {
        var candidate = Path.GetFullPath(path, contentRoot);
        if (File.Exists(candidate) || Path.IsPathRooted(path))
        {
            return candidate;
        }

        var beside = Path.GetFullPath(path, AppContext.BaseDirectory);
        return File.Exists(beside) ? beside : candidate;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tool catalog {Path}: {Tools} tools ({DefaultTools} in the default server), {Resources} resources, {Prompts} prompts, {Agents} agents")]
    private static partial void LogLoaded(ILogger logger, string path, int tools, int defaultTools, int resources, int prompts, int agents);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backend {Backend} at {BaseUri} (from {Origin})")]
    private static partial void LogBackend(ILogger logger, string backend, Uri baseUri, string origin);
}

/// <summary>Builds the catalog while the host starts, so a broken catalog fails the start instead of the first request.</summary>
internal sealed class CatalogStartupCheck(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<ToolCatalog>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
