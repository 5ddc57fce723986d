using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Facade.Common;

/// <summary>Cross-cutting defaults every Facade service shares: telemetry, health checks, JSON errors.</summary>
public static class ServiceDefaults
{
    /// <summary>Every meter of ours (<c>Facade.Edge</c>, <c>Facade.Realtime</c>, <c>Facade.DeviceEdge</c>, <c>Facade.DeviceEdge.Telemetry</c> …).</summary>
    public const string FacadeMeters = "Facade.*";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Telemetry only when a collector is configured: recording spans and metrics nobody reads costs every request
        // (a few per cent of a proxied request's CPU in docs/performance.md) and buys nothing.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry()
                .WithMetrics(metrics => metrics
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddMeter(FacadeMeters))
                .WithTracing(tracing => tracing
                    .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/healthz"))
                    .AddHttpClientInstrumentation())
                .UseOtlpExporter();
        }

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);

        builder.Services.AddProblemDetails();
        return builder;
    }

    /// <summary>Health endpoints and a last-resort exception handler that answers JSON, never a stack trace.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Anonymous even where a fallback policy requires authentication for everything else (device-edge).
        app.MapHealthChecks("/healthz").AllowAnonymous();
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") }).AllowAnonymous();
        return app;
    }

    public static IApplicationBuilder UseJsonExceptionHandler(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseExceptionHandler(error => error.Run(context =>
        {
            var status = context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error switch
            {
                BadHttpRequestException bad => bad.StatusCode,

                // A form over the framework's limits (value length, value count) is the client's fault, not ours.
                InvalidDataException when context.Request.HasFormContentType => StatusCodes.Status400BadRequest,
                _ => StatusCodes.Status500InternalServerError,
            };
            var code = status == StatusCodes.Status500InternalServerError ? "server_error" : "invalid_request";
            return JsonErrors.WriteAsync(context, status, code, status == 500 ? "The server could not complete the request." : "The request could not be read.");
        }));
    }

    /// <summary>
    /// Bare status codes (404 on an unknown path, 405 on a wrong method …) answer the JSON error shape too.
    /// <paramref name="describe"/> may supply a more precise error for a response (e.g. an OAuth error).
    /// </summary>
    public static IApplicationBuilder UseJsonStatusCodePages(this IApplicationBuilder app, Func<HttpContext, (string Error, string? Description)?>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            if (http.Response.ContentLength is not null || !string.IsNullOrEmpty(http.Response.ContentType))
            {
                return;
            }

            var status = http.Response.StatusCode;
            var (error, description) = describe?.Invoke(http) ?? (status switch
            {
                StatusCodes.Status404NotFound => "not_found",
                StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
                StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
                _ => "invalid_request",
            }, Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status));
            await JsonErrors.WriteAsync(http, status, error, description);
        });
    }
}
