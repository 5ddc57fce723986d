using System.Net.WebSockets;
using Facade.Common;
using Microsoft.AspNetCore.Http.Features;

namespace Facade.Proxy.Realtime;

/// <summary>
/// <c>GET /realtime</c> (WebSocket) and <c>GET /realtime/sse?channel=…</c> (server-sent events): authenticate before any
/// upgrade or byte of the stream, enforce the per-user connection limit, then run the session over the transport.
/// </summary>
internal static partial class RealtimeEndpoints
{
    public static IEndpointRouteBuilder MapRealtimeEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/realtime", WebSocketAsync);
        app.MapGet("/realtime/sse", ServerSentEventsAsync);
        return app;
    }

    public static async Task WebSocketAsync(HttpContext http, RealtimeServices services)
    {
        if (await services.Credentials.AuthenticateAsync(http) is not { } caller)
        {
            return;
        }

        if (!http.WebSockets.IsWebSocketRequest)
        {
            await JsonErrors.WriteAsync(http, StatusCodes.Status400BadRequest, "invalid_request",
                "This endpoint speaks WebSocket only (use /realtime/sse for server-sent events).");
            return;
        }

        if (await services.OpenAsync(http, caller) is not { } session)
        {
            return;
        }

        await using (session)
        {
            try
            {
                // The browser form offers "facade.realtime.v1, bearer.<token>": select the protocol, never echo the token.
                using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
                {
                    SubProtocol = caller.OfferedSubprotocol ? RealtimeCredentials.Subprotocol : null,
                    KeepAliveInterval = services.Options.HeartbeatInterval,
                });
                LogOpened(services.Logger, session.Connection.Id, "websocket");
                session.Start();
                await new WebSocketPump(socket, session, services.Time).RunAsync(http.RequestAborted);
            }
            finally
            {
                services.Hub.Remove(session.Connection);
            }
        }
    }

    public static async Task ServerSentEventsAsync(HttpContext http, RealtimeServices services)
    {
        if (await services.Credentials.AuthenticateAsync(http) is not { } caller || await services.OpenAsync(http, caller) is not { } session)
        {
            return;
        }

        await using (session)
        {
            try
            {
                http.Response.ContentType = "text/event-stream";
                http.Response.Headers.CacheControl = "no-store";
                http.Response.Headers["X-Accel-Buffering"] = "no";
                http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
                LogOpened(services.Logger, session.Connection.Id, "sse");
                session.Start();
                await new ServerSentEventsPump(http, session, services.Time).RunAsync(http.Request.Query["channel"], http.RequestAborted);
            }
            finally
            {
                services.Hub.Remove(session.Connection);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Realtime connection {ConnectionId} opened ({Transport})")]
    private static partial void LogOpened(ILogger logger, long connectionId, string transport);
}
