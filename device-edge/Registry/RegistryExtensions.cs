using Facade.DeviceEdge.Hosting;
using Facade.DeviceEdge.Registry;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

internal static class RegistryExtensions
{
    public static IHostApplicationBuilder AddDeviceRegistry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<JsonBody>();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, RegistryJsonContext.Default));
        return builder;
    }

    public static WebApplication MapDeviceRegistry(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapDevicesApi();
        app.MapDeviceSharesApi();
        return app;
    }
}
