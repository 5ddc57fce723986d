using Facade.Common.Auth;
using Facade.DeviceEdge.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class AuthExtensions
{
    /// <summary>The REST API validates the edge's tokens itself, so it stays safe when reached around the edge.</summary>
    public static IHostApplicationBuilder AddDeviceEdgeAuth(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddFacadeResourceServer();
        builder.Services.AddOptions<ResourceServerOptions>().Configure<IOptions<DeviceEdgeOptions>>((resource, options) =>
        {
            var edge = options.Value;
            resource.Issuer = edge.Issuer;
            resource.MetadataAddress = edge.MetadataAddress;
            resource.ClockSkew = edge.ClockSkew;
            resource.TokenCacheLifetime = edge.TokenCacheLifetime;
            resource.ProtectedPrefixes.Add("devices");
            resource.ProtectedPrefixes.Add("alerts");
            resource.DefaultPrefix = "devices";
        });
        return builder;
    }
}
