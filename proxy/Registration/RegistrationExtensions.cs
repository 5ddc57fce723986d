using System.Threading.RateLimiting;
using Facade.Common;
using Facade.Common.Net;
using Facade.Proxy.Registration;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class RegistrationExtensions
{
    public static IHostApplicationBuilder AddClientRegistration(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptions<RegistrationOptions>()
            .BindConfiguration(RegistrationOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<SeededClientsOptions>()
            .BindConfiguration(SeededClientsOptions.SectionName)
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SeededClientsOptions>, SeededClientsValidator>());
        builder.Services.AddHostedService<ClientSeeder>();
        builder.Services.TryAddSingleton<ClientMetadataDocuments>();
        builder.Services.AddHttpClient(ClientMetadataDocuments.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(services =>
            {
                var options = services.GetRequiredService<IOptions<RegistrationOptions>>().Value;
                var environment = services.GetRequiredService<IHostEnvironment>();
                return PublicOnlyHttpHandler.Create(
                    allowInternal: options.AllowInsecureMetadataDocuments && environment.IsDevelopment(), connectTimeout: TimeSpan.FromSeconds(5));
            });

        builder.Services.AddOpenIddict().AddServer(server => server.AddEventHandler(ClientMetadataDocumentHandler.Descriptor));

        // Proxied routes are limited by the edge step itself, after authentication (Edge/EdgeRateLimiter.cs).
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.OnRejected = (context, _) => new ValueTask(JsonErrors.WriteTooManyRequestsAsync(context.HttpContext,
                context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1)));
            limiter.AddPolicy(RegistrationEndpoint.RateLimitPolicy, http =>
            {
                var permits = http.RequestServices.GetRequiredService<IOptions<RegistrationOptions>>().Value.PermitsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
        });
        return builder;
    }

    public static WebApplication MapClientRegistration(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRateLimiter();
        app.MapRegistrationEndpoint();
        app.MapBridgeClientDocument();
        return app;
    }
}
