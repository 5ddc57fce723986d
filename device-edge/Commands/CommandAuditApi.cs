using System.Globalization;
using Facade.Common;
using Facade.Common.Auth;
using Facade.DeviceEdge.Auth;
using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Hosting;
using Facade.DeviceEdge.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Facade.DeviceEdge.Commands;

/// <summary>
/// <c>GET /devices/audit/commands</c>: who sent which command to which device, and what became of it, over every device
/// the caller can see (owned or shared), newest first. Filters: <c>from</c>/<c>to</c> (ISO 8601, on <c>createdAt</c>,
/// from inclusive, to exclusive), <c>deviceId</c>, <c>subject</c>; paged like the device's own list.
/// </summary>
internal static class CommandAuditApi
{
    public static IEndpointRouteBuilder MapCommandAuditApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/devices/audit/commands", AuditAsync).RequireScopes(DeviceScopes.DevicesRead);
        return app;
    }

    public static async Task<Results<Ok<CommandListView>, JsonHttpResult<ErrorBody>>> AuditAsync(
        HttpContext http, DeviceEdgeDbContext db, string? from, string? to, string? deviceId, string? subject, string? limit, string? after)
    {
        var caller = Caller.From(http.User);
        if (!CommandPaging.TryParseLimit(limit, out var size))
        {
            return CommandPaging.BadLimit();
        }

        if (!TryParseTime(from, out var since) || !TryParseTime(to, out var until))
        {
            return JsonBody.Invalid("'from' and 'to' must be ISO 8601 times, e.g. 2026-01-31T12:00:00Z.");
        }

        if (since is not null && until is not null && since > until)
        {
            return JsonBody.Invalid("'from' must not be after 'to'.");
        }

        if (deviceId is not null && !DeviceId.IsValid(deviceId))
        {
            return JsonBody.Invalid($"'deviceId' must match {DeviceId.Rule}.");
        }

        if (subject is not null && !DeviceRules.IsUserId(subject))
        {
            return JsonBody.Invalid("'subject' must be a user id: 1 to 200 printable ASCII characters without spaces.");
        }

        var visible = db.Devices.VisibleTo(caller.UserId).Select(d => d.Id);
        var query = db.Commands.AsNoTracking().Where(c => visible.Contains(c.DeviceId));
        if (deviceId is not null)
        {
            query = query.Where(c => c.DeviceId == deviceId);
        }

        if (subject is not null)
        {
            query = query.Where(c => c.Subject == subject);
        }

        if (since is { } start)
        {
            query = query.Where(c => c.CreatedAt >= start);
        }

        if (until is { } end)
        {
            query = query.Where(c => c.CreatedAt < end);
        }

        var page = await CommandPaging.PageAsync(query, size, after, http.RequestAborted);
        return page is null ? CommandPaging.BadCursor() : TypedResults.Ok(page);
    }

    private static bool TryParseTime(string? value, out DateTimeOffset? time)
    {
        time = null;
        if (value is null)
        {
            return true;
        }

        if (value.Length < 10 || !char.IsAsciiDigit(value[0])
            || !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return false;
        }

        time = StoredTime.Truncate(parsed);
        return true;
    }
}
