using Facade.Common.Auth;
using Facade.DeviceEdge.Auth;
using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Facade.DeviceEdge.Status;

/// <summary><c>GET /devices/summary</c>: how the caller's fleet (owned and shared devices) is doing.</summary>
internal static class FleetSummaryApi
{
    public static IEndpointRouteBuilder MapFleetSummaryApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/devices/summary", GetAsync).RequireScopes(DeviceScopes.DevicesRead);
        return app;
    }

    public static async Task<Ok<FleetSummaryView>> GetAsync(HttpContext http, DeviceEdgeDbContext db, DeviceStatusBoard board)
    {
        var caller = Caller.From(http.User);
        var visible = db.Devices.AsNoTracking().VisibleTo(caller.UserId);
        var ids = await visible.Select(d => d.Id).ToListAsync(http.RequestAborted);
        var withActiveAlerts = await db.Alerts.AsNoTracking()
            .Where(a => a.ResolvedAt == null && visible.Any(d => d.Id == a.DeviceId))
            .Select(a => a.DeviceId)
            .Distinct()
            .CountAsync(http.RequestAborted);

        var online = 0;
        DateTimeOffset? lastUpdate = null;
        foreach (var status in ids.Select(board.Get))
        {
            online += status.Online ? 1 : 0;
            lastUpdate = Max(lastUpdate, Max(status.LastSeen, status.Since));
        }

        return TypedResults.Ok(new FleetSummaryView(ids.Count, online, withActiveAlerts, lastUpdate));
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
