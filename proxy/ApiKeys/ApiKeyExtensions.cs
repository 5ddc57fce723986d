using System.Threading.RateLimiting;
using Facade.Proxy.ApiKeys;
using Facade.Proxy.AuthorizationServer;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class ApiKeyExtensions
{
    /// <summary>API keys at the edge: the store, the key path of proxied requests, the REST endpoints and key-token.</summary>
    public static IHostApplicationBuilder AddApiKeys(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddApiKeyStore();
        builder.Services.TryAddSingleton<AccessTokenMinter>();
        builder.Services.TryAddSingleton<ApiKeyTokenMinter>();
        builder.Services.TryAddSingleton<ApiKeyAuthenticator>();
        builder.Services.TryAddScoped<KeyServices>();
        builder.Services.AddRateLimiter(limiter => limiter.AddPolicy(KeyTokenEndpoint.RateLimitPolicy, http =>
        {
            var permits = http.RequestServices.GetRequiredService<IOptions<ApiKeyOptions>>().Value.KeyTokenPermitsPerMinute;
            return RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
        }));
        return builder;
    }

    /// <summary>Options, hashing and the store: what the admin commands need too.</summary>
    public static IHostApplicationBuilder AddApiKeyStore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>());
        builder.Services.TryAddSingleton<ApiKeyFormat>();
        builder.Services.TryAddSingleton<ApiKeyHasher>();
        builder.Services.TryAddSingleton<ApiKeyStore>();
        return builder;
    }

    public static WebApplication MapApiKeys(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapApiKeyEndpoints();
        app.MapKeyTokenEndpoint();
        return app;
    }
}
