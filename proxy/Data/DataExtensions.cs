using Facade.Proxy.Data;
using Facade.Proxy.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
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

        // Cookies and antiforgery tokens survive restarts: their keys live beside the database.
        builder.Services.AddDataProtection().SetApplicationName("facade");
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<DataPaths>((keys, paths) => keys.XmlRepository = new FileSystemXmlRepository(
                new DirectoryInfo(Path.Combine(paths.Directory, "dataprotection")), NullLoggerFactory.Instance));
        builder.Services.AddHostedService<DatabaseInitializer>();
        return builder;
    }
}
