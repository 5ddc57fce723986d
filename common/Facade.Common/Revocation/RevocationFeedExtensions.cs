using Facade.Common.Revocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class RevocationFeedExtensions
{
    /// <summary>
    /// Follows the edge's revocation feed (<see cref="RevocationFeedClient"/>) into <see cref="RevokedTokens"/>, bound
    /// from <paramref name="section"/> (e.g. <c>Adapter:Revocations</c>) and validated at start; readiness
    /// (<c>/healthz</c>) fails while the feed is stale. Returns the options builder so the service can add defaults.
    /// </summary>
    public static OptionsBuilder<RevocationFeedOptions> AddRevocationFeed(this IServiceCollection services, string section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(section);
        if (services.Any(d => d.ServiceType == typeof(RevokedTokens)))
        {
            return services.AddOptions<RevocationFeedOptions>(); // Already added: a second call changes nothing.
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RevokedTokens>();
        services.AddHttpClient(RevocationFeedClient.HttpClientName);
        services.AddHostedService<RevocationFeedClient>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RevocationFeedOptions>>(new RevocationFeedOptionsValidator(section)));
        services.AddHealthChecks().AddCheck<RevocationFeedHealthCheck>("revocation-feed");
        return services.AddOptions<RevocationFeedOptions>()
            .BindConfiguration(section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
    }

    /// <summary>
    /// Fail closed (docs/architecture.md): while the revocation feed is stale, a request that carries a bearer token gets
    /// 503 <c>introspection_unavailable</c> instead of being served with a token that may have been revoked.
    /// Requests without a token pass (they get the usual 401 later).
    /// </summary>
    public static IApplicationBuilder UseRevocationFeedGuard(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var revoked = app.ApplicationServices.GetRequiredService<RevokedTokens>();
        return app.Use(async (context, next) =>
        {
            if (!revoked.IsCurrent && context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers.RetryAfter = "5";
                await Facade.Common.JsonErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "introspection_unavailable",
                    "The token cannot be checked for revocation right now; retry shortly.");
                return;
            }

            await next(context);
        });
    }
}
