using Facade.Common;
using Facade.Proxy.Data;
using Facade.Proxy.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class DataExtensions
{
    public static IHostApplicationBuilder AddFacadeData(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Pooled: a token grant opens several scopes (OpenIddict stores, Identity, the ledger); contexts are reused.
        // Everything asks for FacadeDbContext; on PostgreSQL the pool hands out the subclass that owns that provider's migrations.
        var provider = builder.Configuration.GetValue(FacadeOptions.SectionName + ":" + nameof(FacadeOptions.DatabaseProvider), DatabaseProvider.Sqlite);
        if (provider == DatabaseProvider.PostgreSql)
        {
            builder.Services.AddDbContextPool<FacadeDbContext, PostgreSqlFacadeDbContext>((services, db) =>
                db.UseNpgsql(services.GetRequiredService<IOptions<FacadeOptions>>().Value.ConnectionString).UseOpenIddict());
        }
        else
        {
            builder.Services.AddDbContextPool<FacadeDbContext>((services, db) =>
            {
                var options = services.GetRequiredService<IOptions<FacadeOptions>>().Value;
                db.UseSqlite(DataPaths.ConnectionString(options, services.GetRequiredService<IHostEnvironment>())).UseOpenIddict()
                    .AddInterceptors(services.GetRequiredService<SqliteWriteGate>());
            });
        }

        builder.Services.TryAddSingleton<DataPaths>();
        builder.Services.TryAddSingleton<SqliteWriteGate>();
        builder.Services.AddHostedService<DatabaseInitializer>();
        builder.Services.AddHealthChecks().AddDbContextCheck<FacadeDbContext>("database");
        return builder;
    }
}
