using Facade.Common;
using Facade.Proxy.Data;
using Facade.Proxy.Hosting;
using Facade.Proxy.Keys;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class KeyExtensions
{
    /// <summary>
    /// The signing keys (certificates, or generated ones in Development) and the Data Protection key ring that
    /// protects authorization codes, refresh tokens, cookies and antiforgery tokens across restarts and nodes.
    /// </summary>
    public static IHostApplicationBuilder AddKeys(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<KeyOptions>().BindConfiguration(KeyOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyOptions>, KeyOptionsValidator>());
        builder.Services.TryAddSingleton<KeyRing>();

        builder.Services.AddDataProtection().SetApplicationName("facade");
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<DataPaths, IOptions<KeyOptions>, IOptions<FacadeOptions>, IServiceProvider, ILoggerFactory>((keyRing, paths, keys, facade, services, logging) =>
                keyRing.XmlRepository = facade.Value.DatabaseProvider == DatabaseProvider.PostgreSql
                    ? new EntityFrameworkCoreXmlRepository<FacadeDbContext>(services, logging) // every node reads the one ring
                    : new FileSystemXmlRepository(new DirectoryInfo(DataProtectionDirectory(paths, keys.Value)), logging));
        return builder;
    }

    private static string DataProtectionDirectory(DataPaths paths, KeyOptions keys) =>
        string.IsNullOrWhiteSpace(keys.DataProtectionDirectory)
            ? paths.File("dataprotection")
            : Path.GetFullPath(keys.DataProtectionDirectory, paths.Directory);
}
