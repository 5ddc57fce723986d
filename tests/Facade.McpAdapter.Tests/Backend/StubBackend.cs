using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Facade.McpAdapter.Tests.Backend;

/// <summary>A tiny Kestrel backend on 127.0.0.1 for what the legacy mock cannot do: hang, fail, redirect, flood.</summary>
internal sealed class StubBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StubBackend(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    /// <summary>Authorization header of every request received (null when absent), in order.</summary>
    public ConcurrentQueue<string?> Authorizations { get; } = new();

    public static async Task<StubBackend> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        StubBackend? stub = null;
        app.Use(async (context, next) =>
        {
            stub!.Authorizations.Enqueue(context.Request.Headers.Authorization.Count == 0 ? null : context.Request.Headers.Authorization.ToString());
            await next(context);
        });

        app.MapGet("/slow", async context => await Task.Delay(Timeout.Infinite, context.RequestAborted));
        app.MapGet("/status/{code:int}", (int code) => Results.Json(
            new Dictionary<string, string> { ["error"] = "some_error", ["error_description"] = $"Backend says {code}.", ["trace"] = "at Secret.Internal.Method()" },
            statusCode: code));
        app.MapGet("/problem", () => Results.Problem(detail: "The rule is inconsistent.", statusCode: 422));
        app.MapGet("/retry", (HttpContext context) =>
        {
            context.Response.Headers.RetryAfter = "7";
            return Results.StatusCode(429);
        });
        app.MapGet("/big", async (HttpContext context, int bytes, bool length) =>
        {
            var payload = Encoding.UTF8.GetBytes("\"" + new string('x', Math.Max(0, bytes - 2)) + "\"");
            context.Response.ContentType = "application/json";
            if (length)
            {
                context.Response.ContentLength = payload.Length;
            }

            // Several writes so the body is chunked when no length is announced.
            for (var offset = 0; offset < payload.Length; offset += 4096)
            {
                await context.Response.Body.WriteAsync(payload.AsMemory(offset, Math.Min(4096, payload.Length - offset)), context.RequestAborted);
            }
        });
        app.MapGet("/redirect-same", () => Results.Redirect("/echo?redirected=yes"));
        app.MapGet("/redirect-loop", () => Results.Redirect("/redirect-loop"));
        app.MapGet("/redirect-other", (string to) => Results.Redirect(to));
        app.MapPost("/see-other", () => Results.Redirect("/echo", permanent: false, preserveMethod: false));
        // Typed as a Func so minimal APIs write the IResult (a RequestDelegate would drop it).
        Func<HttpContext, Task<IResult>> echo = Echo;
        app.Map("/echo", echo);
        app.Map("/echo/{**rest}", echo);
        app.MapGet("/text", () => Results.Text("plain words", "text/plain"));
        app.MapGet("/empty", () => Results.NoContent());
        app.MapGet("/bad-json", () => Results.Text("{ not json", "application/json"));

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        stub = new StubBackend(app, address.TrimEnd('/'));
        return stub;
    }

    /// <summary>Answers with what arrived: method, raw target, query, X-Request-Id, content type and JSON body.</summary>
    private static async Task<IResult> Echo(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        return Results.Json(new
        {
            method = context.Request.Method,
            path = context.Request.Path.Value,
            rawTarget = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget,
            query = context.Request.QueryString.Value,
            requestId = context.Request.Headers["X-Request-Id"].ToString(),
            contentType = context.Request.ContentType,
            body = body.Length == 0 ? null : JsonDocument.Parse(body).RootElement.Clone() as JsonElement?,
            data = new { items = new[] { new { id = 1 }, new { id = 2 } } },
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
