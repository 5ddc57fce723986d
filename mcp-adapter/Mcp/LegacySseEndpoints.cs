using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Facade.Common;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Facade.McpAdapter.Mcp;

/// <summary>
/// The 2024-11-05 HTTP+SSE transport for clients that only speak it: <c>GET /sse</c> opens an event stream and names
/// <c>/message?sessionId=…</c>, where the client then POSTs its JSON-RPC messages. A session belongs to the user who
/// opened it; tools run with that user's token and the default catalog view.
/// </summary>
internal sealed class LegacySseEndpoints(
    IOptions<McpServerOptions> serverOptions,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggers)
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    public async Task OpenAsync(HttpContext context)
    {
        var sessionId = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);

        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache,no-store";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        context.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();

        await using var transport = new SseResponseStreamTransport(context.Response.Body, $"{context.Request.PathBase}/message?sessionId={sessionId}", sessionId);
        _sessions[sessionId] = new Session(transport, context.User.FindFirst("sub")?.Value);
        try
        {
            var transportTask = transport.RunAsync(stop.Token);
            await using (var server = McpServer.Create(transport, serverOptions.Value, loggers, context.RequestServices))
            {
                await server.RunAsync(stop.Token);
            }

            await transportTask;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client went away or the adapter is stopping: this is how SSE sessions end.
        }
        finally
        {
            _sessions.TryRemove(sessionId, out _);
        }
    }

    public async Task PostAsync(HttpContext context)
    {
        var sessionId = context.Request.Query["sessionId"].ToString();
        if (string.IsNullOrEmpty(sessionId) || !_sessions.TryGetValue(sessionId, out var session))
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status404NotFound, "not_found", "Unknown or closed SSE session.");
            return;
        }

        if (session.Subject != context.User.FindFirst("sub")?.Value)
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "access_denied", "This SSE session belongs to another user.");
            return;
        }

        JsonRpcMessage? message;
        try
        {
            message = await context.Request.ReadFromJsonAsync(McpJsonUtilities.DefaultOptions.GetTypeInfo<JsonRpcMessage>(), context.RequestAborted);
        }
        catch (JsonException)
        {
            message = null;
        }

        if (message is null)
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "invalid_request", "The body is not a JSON-RPC message.");
            return;
        }

        await session.Transport.OnMessageReceivedAsync(message, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    private sealed record Session(SseResponseStreamTransport Transport, string? Subject);
}
