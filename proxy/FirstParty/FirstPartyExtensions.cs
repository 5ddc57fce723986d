using System.Threading.RateLimiting;
using Facade.Proxy.AuthorizationServer;
using Facade.Proxy.FirstParty;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class FirstPartyExtensions
{
    /// <summary>First-party tokens: a signed-in browser session + antiforgery token → a short-lived access token.</summary>
    public static IHostApplicationBuilder AddFirstPartyTokens(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<FirstPartyOptions>().BindConfiguration(FirstPartyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton<AccessTokenMinter>();
        builder.Services.AddRateLimiter(limiter => limiter.AddPolicy(FirstPartyTokenEndpoint.RateLimitPolicy, http =>
        {
            var permits = http.RequestServices.GetRequiredService<IOptions<FirstPartyOptions>>().Value.PermitsPerMinute;
            return RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
        }));
        return builder;
    }

    public static WebApplication MapFirstPartyTokens(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapFirstPartyTokenEndpoint();
        app.MapAntiforgeryEndpoint();
        return app;
    }
}
