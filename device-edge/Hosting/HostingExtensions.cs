using Facade.DeviceEdge.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class HostingExtensions
{
    /// <summary>The <c>DeviceEdge</c> options, the clock and request limits every feature shares.</summary>
    public static IHostApplicationBuilder AddDeviceEdgeHosting(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptions<DeviceEdgeOptions>()
            .BindConfiguration(DeviceEdgeOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DeviceEdgeOptions>, DeviceEdgeOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.Configure<RouteOptions>(o => o.LowercaseUrls = true);

        // Kestrel reads only its endpoints from the "Kestrel" section by itself; Limits (body and header sizes) need this.
        builder.Services.Configure<KestrelServerOptions>(builder.Configuration.GetSection("Kestrel"));
        return builder;
    }
}
