using Facade.DeviceEdge.Mosquitto;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class MosquittoExtensions
{
    /// <summary>
    /// mosquitto's password and ACL files from the registry (External mode with an accounts directory): the writer,
    /// the save interceptor that rewrites them on every device change, and the start-up write plus periodic resync.
    /// The admin CLI uses it too, so its changes reach mosquitto without the service. The data feature attaches the
    /// interceptor to its contexts; the broker feature starts the sync before the broker (the files come first).
    /// </summary>
    public static IHostApplicationBuilder AddMosquittoAccounts(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddBrokerOptions();
        builder.Services.AddOptions<MosquittoOptions>()
            .BindConfiguration(MosquittoOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MosquittoOptions>, MosquittoOptionsValidator>());
        builder.Services.TryAddSingleton<MosquittoAccounts>();
        builder.Services.TryAddSingleton<MosquittoAccountsSync>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IInterceptor, DeviceAccountChanges>());
        return builder;
    }
}
