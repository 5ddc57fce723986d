using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Facade.Common;
using Facade.Common.Revocation;
using Facade.McpAdapter.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Facade.McpAdapter.Mcp;

/// <summary>
/// The 2024-11-05 HTTP+SSE transport for clients that only speak it: <c>GET /sse</c> opens an event stream and names
/// <c>/message?sessionId=…</c>, where the client then POSTs its JSON-RPC messages. A session is bound to the token
/// that opened it (<see cref="SseSession"/>): a POST must carry a valid token of the same user and client (any other
/// caller is told the session does not exist), tools run with the newest such token and the default catalog view,
/// and the stream ends when that token expires or is revoked.
/// </summary>
internal sealed partial class LegacySseEndpoints : IDisposable
{
    private readonly ConcurrentDictionary<string, OpenSession> _sessions = new(StringComparer.Ordinal);
    private readonly IOptions<McpServerOptions> _serverOptions;
    private readonly IOptions<AdapterOptions> _adapterOptions;
    private readonly RevokedTokens _revoked;
    private readonly TimeProvider _time;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;

    public LegacySseEndpoints(
        IOptions<McpServerOptions> serverOptions,
        IOptions<AdapterOptions> adapterOptions,
        RevokedTokens revoked,
        TimeProvider time,
        IHostApplicationLifetime lifetime,
        ILoggerFactory loggers)
    {
        _serverOptions = serverOptions;
        _adapterOptions = adapterOptions;
        _revoked = revoked;
        _time = time;
        _lifetime = lifetime;
        _loggers = loggers;
        _logger = loggers.CreateLogger<LegacySseEndpoints>();
        _revoked.Revoked += EndRevokedSessions;
    }

    public async Task OpenAsync(HttpContext context)
    {
        if (SessionToken.From(context) is not { } token)
        {
            await BearerChallenge.WriteUnauthorizedAsync(context, _adapterOptions.Value.ResourceMetadataUrl, tokenSent: true,
                description: "The access token lacks the claims a session is bound to (sub, client_id, jti, exp).");
            return;
        }

        var sessionId = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
        using var session = new SseSession(sessionId, token, _time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _lifetime.ApplicationStopping, session.Ended);

        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache,no-store";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        context.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();

        await using var transport = new SseResponseStreamTransport(context.Response.Body, $"{context.Request.PathBase}/message?sessionId={sessionId}", sessionId);
        context.Items[SseSession.ItemKey] = session;
        _sessions[sessionId] = new OpenSession(session, transport);

        // A revocation reported between authentication and registration would otherwise be missed.
        if (_revoked.IsRevoked(token.Jti))
        {
            session.End();
        }

        try
        {
            var transportTask = transport.RunAsync(stop.Token);
            await using (var server = McpServer.Create(transport, _serverOptions.Value, _loggers, context.RequestServices))
            {
                await server.RunAsync(stop.Token);
            }

            await transportTask;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client went away, the adapter is stopping, or the session's token expired or was revoked.
            if (session.IsEnded)
            {
                LogSessionEnded(_logger, sessionId);
            }
        }
        finally
        {
            _sessions.TryRemove(sessionId, out _);
        }
    }

    public async Task PostAsync(HttpContext context)
    {
        var sessionId = context.Request.Query["sessionId"].ToString();

        // Another user's (or another client's) session answers exactly like one that does not exist.
        if (string.IsNullOrEmpty(sessionId) || !_sessions.TryGetValue(sessionId, out var open) || open.Session is not { } session
            || SessionToken.From(context) is not { } token || !session.IsOwnedBy(token) || session.IsEnded)
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status404NotFound, "not_found", "Unknown or closed SSE session.");
            return;
        }

        session.Offer(token);

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

        await open.Transport.OnMessageReceivedAsync(message, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    public void Dispose() => _revoked.Revoked -= EndRevokedSessions;

    private void EndRevokedSessions(IReadOnlyCollection<string> jtis)
    {
        foreach (var open in _sessions.Values)
        {
            open.Session.EndIfRevoked(jtis);
        }
    }

    private sealed record OpenSession(SseSession Session, SseResponseStreamTransport Transport);

    [LoggerMessage(Level = LogLevel.Information, Message = "SSE session {SessionId} ended: its token expired or was revoked")]
    private static partial void LogSessionEnded(ILogger logger, string sessionId);
}
