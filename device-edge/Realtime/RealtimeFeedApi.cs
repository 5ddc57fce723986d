using System.Buffers;
using Facade.Common;
using Facade.Common.Auth;
using Facade.DeviceEdge.Auth;
using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Registry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Realtime;

/// <summary>
/// <c>GET /realtime/feed</c>: every event as NDJSON for the edge's realtime hub (scope <c>realtime:feed</c>, which only the
/// edge's own service token carries), and <c>GET /devices/{id}/access</c>: whether the caller owns or shares a device,
/// so the hub checks a subscription with the subscriber's own token (any authenticated caller; 404 for unknown and
/// other people's devices alike).
/// </summary>
internal static class RealtimeFeedApi
{
    public static IEndpointRouteBuilder MapRealtimeFeedApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/realtime/feed", FeedAsync).RequireScopes(ScopeCatalog.RealtimeFeed);
        app.MapGet("/devices/{id}/access", AccessAsync).RequireAuthorization();
        return app;
    }

    public static async Task FeedAsync(HttpContext http, RealtimeBroadcaster broadcaster, IOptions<RealtimeFeedOptions> options, TimeProvider time,
        IHostApplicationLifetime lifetime)
    {
        // Ends when the reader goes away or this service stops (the edge reconnects): shutdown never waits for it.
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var ct = ending.Token;
        var consumer = broadcaster.Join();
        try
        {
            http.Response.ContentType = "application/x-ndjson";
            http.Response.Headers.CacheControl = "no-store";
            http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await http.Response.StartAsync(ct);
            await http.Response.BodyWriter.FlushAsync(ct);

            var interval = options.Value.HeartbeatInterval;
            var waiting = consumer.Reader.WaitToReadAsync(ct).AsTask();
            while (true)
            {
                var beat = Task.Delay(interval, time, ct);
                if (await Task.WhenAny(waiting, beat) == beat)
                {
                    await beat; // cancelled: the consumer went away
                    await http.Response.BodyWriter.WriteAsync(FeedLine.Heartbeat, ct);
                    continue;
                }

                if (!await waiting)
                {
                    return; // fell behind (its queue overflowed): the consumer reconnects
                }

                while (consumer.Reader.TryRead(out var line))
                {
                    http.Response.BodyWriter.Write(line);
                }

                await http.Response.BodyWriter.FlushAsync(ct);
                waiting = consumer.Reader.WaitToReadAsync(ct).AsTask();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            broadcaster.Leave(consumer);
        }
    }

    public static async Task<Results<Ok<DeviceAccessView>, JsonHttpResult<ErrorBody>>> AccessAsync(HttpContext http, DeviceEdgeDbContext db, string id)
    {
        var caller = Caller.From(http.User);
        var device = await db.FindVisibleAsync(caller.UserId, id, http.RequestAborted);
        return device is null
            ? DeviceErrors.NotFound()
            : TypedResults.Ok(new DeviceAccessView(device.Id, DeviceQueries.AccessOf(device, caller.UserId) == DeviceAccess.Owner ? "owner" : "shared"));
    }
}

/// <summary>The caller's access to a device: <c>owner</c> or <c>shared</c>.</summary>
internal sealed record DeviceAccessView(string Device, string Access);
