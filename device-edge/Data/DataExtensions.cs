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
    /// scope) and the migrations, applied at start before the broker accepts devices.
    /// </summary>
    public static IHostApplicationBuilder AddDeviceEdgeData(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddPooledDbContextFactory<DeviceEdgeDbContext>((services, db) =>
        {
            var options = services.GetRequiredService<IOptions<DeviceEdgeOptions>>().Value;
            db.UseSqlite(DataPaths.ConnectionString(options, services.GetRequiredService<IHostEnvironment>()))
                .AddInterceptors(services.GetServices<IInterceptor>()); // Features that follow saves (e.g. mosquitto's accounts).
        });
        builder.Services.AddScoped(services => services.GetRequiredService<IDbContextFactory<DeviceEdgeDbContext>>().CreateDbContext());
        builder.Services.AddHostedService<DatabaseInitializer>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return builder;
    }
}
