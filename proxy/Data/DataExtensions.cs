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
        builder.Services.AddDbContextPool<FacadeDbContext>((services, db) =>
        {
            var options = services.GetRequiredService<IOptions<FacadeOptions>>().Value;
            var environment = services.GetRequiredService<IHostEnvironment>();
            db.UseSqlite(DataPaths.ConnectionString(options, environment));
            db.UseOpenIddict();
        });
        builder.Services.TryAddSingleton<DataPaths>();
        builder.Services.AddHostedService<DatabaseInitializer>();
        return builder;
    }
}
