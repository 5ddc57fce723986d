using Facade.Proxy.Cluster;
using Facade.Proxy.Ledger;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class ClusterExtensions
{
    /// <summary>
    /// What several edge nodes need beyond a shared database: the Redis revocation bus and cluster-wide rate limits
    /// when <c>Facade:Redis</c> is configured, and the start-up rule that a node on a shared PostgreSQL database reads other nodes' revocations
    /// within a second either way (<see cref="ClusterOptionsValidator"/>).
    /// </summary>
    public static IHostApplicationBuilder AddCluster(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LedgerOptions>, ClusterOptionsValidator>());
        if (!string.IsNullOrWhiteSpace(builder.Configuration[RedisOptions.SectionName + ":" + nameof(RedisOptions.Configuration)]))
        {
            builder.Services.TryAddSingleton<RedisRevocationBus>();
            builder.Services.AddHostedService(services => services.GetRequiredService<RedisRevocationBus>());
            builder.Services.AddHealthChecks().AddCheck<RedisRevocationBus>("redis");
            builder.Services.TryAddSingleton<SharedRateLimits>();
            builder.Services.AddHostedService(services => services.GetRequiredService<SharedRateLimits>());
        }

        return builder;
    }
}
