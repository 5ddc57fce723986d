using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Facade.Testing;

/// <summary>
/// A stand-in OpenTelemetry collector on loopback: it accepts OTLP/HTTP protobuf exports (<c>/v1/traces</c>,
/// <c>/v1/metrics</c>, <c>/v1/logs</c>), answers them as a collector does and keeps every body. Tests search the
/// bodies for the raw bytes of a trace id or the UTF-8 of an instrument name, which protobuf stores as they are.
/// </summary>
public sealed class OtlpSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Signal, byte[] Body)> _exports = new();

    private OtlpSink(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The endpoint to give services as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (with protocol <c>http/protobuf</c>).</summary>
    public Uri Url { get; }

    /// <summary>
    /// The settings that make a service export to this sink quickly: spans within 200 ms, metrics every 500 ms.
    /// </summary>
    public IDictionary<string, string?> Settings(string serviceName) => new Dictionary<string, string?>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Url.AbsoluteUri.TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_SERVICE_NAME"] = serviceName,
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
    };

    public static async Task<OtlpSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var sink = default(OtlpSink);
        app.MapPost("/v1/{signal}", async (HttpContext http, string signal) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body, http.RequestAborted);
            sink!._exports.Enqueue((signal, body.ToArray()));

            // An empty Export*ServiceResponse: the whole export was accepted.
            http.Response.ContentType = "application/x-protobuf";
            http.Response.ContentLength = 0;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sink = new OtlpSink(app, new Uri(address));
        return sink;
    }

    /// <summary>True once an export of <paramref name="signal"/> (<c>traces</c>, <c>metrics</c>) contains <paramref name="bytes"/>.</summary>
    public bool Received(string signal, ReadOnlySpan<byte> bytes)
    {
        foreach (var (kind, body) in _exports)
        {
            if (kind == signal && body.AsSpan().IndexOf(bytes) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for <see cref="Received"/>; false when it never came.</summary>
    public async Task<bool> WaitForAsync(string signal, byte[] bytes, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Received(signal, bytes))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100, cancellationToken);
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
