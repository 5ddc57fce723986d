using Facade.Common;
using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class DataExtensions
{
    /// <summary>
    /// The database: a pooled context factory (the broker opens short contexts from MQTT events, outside any request
    /// scope) and the migrations, applied at start before the broker accepts devices. Everything asks for
    /// <see cref="DeviceEdgeDbContext"/>; on PostgreSQL the factory hands out the subclass that owns that provider's migrations.
    /// </summary>
    public static IHostApplicationBuilder AddDeviceEdgeData(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var provider = builder.Configuration.GetValue(DeviceEdgeOptions.SectionName + ":" + nameof(DeviceEdgeOptions.DatabaseProvider), DatabaseProvider.Sqlite);
        if (provider == DatabaseProvider.PostgreSql)
        {
            builder.Services.AddPooledDbContextFactory<PostgreSqlDeviceEdgeDbContext>((services, db) =>
                db.UseNpgsql(services.GetRequiredService<IOptions<DeviceEdgeOptions>>().Value.ConnectionString)
                    .AddInterceptors(services.GetServices<IInterceptor>())); // Features that follow saves (e.g. mosquitto's accounts).
            builder.Services.AddSingleton<IDbContextFactory<DeviceEdgeDbContext>, BaseContextFactory<PostgreSqlDeviceEdgeDbContext>>();
        }
        else
        {
            builder.Services.AddPooledDbContextFactory<DeviceEdgeDbContext>((services, db) =>
                db.UseSqlite(DataPaths.ConnectionString(services.GetRequiredService<IOptions<DeviceEdgeOptions>>().Value, services.GetRequiredService<IHostEnvironment>()))
                    .AddInterceptors(services.GetServices<IInterceptor>()));
        }

        builder.Services.AddScoped(services => services.GetRequiredService<IDbContextFactory<DeviceEdgeDbContext>>().CreateDbContext());
        builder.Services.AddHostedService<DatabaseInitializer>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return builder;
    }

    /// <summary>The provider's context factory, answering for the base type everything depends on.</summary>
    private sealed class BaseContextFactory<TContext>(IDbContextFactory<TContext> contexts) : IDbContextFactory<DeviceEdgeDbContext>
        where TContext : DeviceEdgeDbContext
    {
        public DeviceEdgeDbContext CreateDbContext() => contexts.CreateDbContext();
    }
}
