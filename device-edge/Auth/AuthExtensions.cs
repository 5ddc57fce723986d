using Facade.Common.Auth;
using Facade.DeviceEdge.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class AuthExtensions
{
    public const string RevocationsSection = DeviceEdgeOptions.SectionName + ":Revocations";

    /// <summary>
    /// The REST API validates the edge's tokens itself, revocations included (the edge's revocation feed), so it stays
    /// safe when reached around the edge.
    /// </summary>
    public static IHostApplicationBuilder AddDeviceEdgeAuth(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddRevocationFeed(RevocationsSection)
            .PostConfigure<IOptions<DeviceEdgeOptions>>((feed, options) =>
                feed.FeedUrl ??= options.Value.Issuer is { IsAbsoluteUri: true } issuer ? new Uri(issuer, "oauth/revocations") : null);
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

        // Fail closed: a path without an endpoint (or an endpoint someone forgot to protect) needs a valid token too, so
        // unknown paths answer 401 to strangers, and 404 only to callers the edge has authenticated.
        builder.Services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return builder;
    }
}
