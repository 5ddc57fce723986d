using System.Net;

namespace Facade.McpAdapter.Backend;

public static class BackendExtensions
{
    /// <summary>
    /// Registers <see cref="BackendInvoker"/>, its named <see cref="HttpClient"/> and <see cref="BackendCallOptions"/>
    /// (<c>Adapter:BackendCalls</c>, validated at start).
    /// </summary>
    public static IServiceCollection AddBackendInvoker(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<BackendCallOptions>()
            .BindConfiguration(BackendCallOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.Timeout > TimeSpan.Zero, $"{BackendCallOptions.SectionName}:Timeout must be positive.")
            .ValidateOnStart();

        services.AddHttpClient(BackendInvoker.HttpClientName, client =>
            {
                // The invoker enforces its own per-backend timeout and reports it as a tool error.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // Redirects are followed by the invoker, and only to the same origin: the token must not travel further.
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.All,
                ConnectTimeout = TimeSpan.FromSeconds(10),
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            });

        services.AddSingleton<BackendInvoker>();
        return services;
    }
}
