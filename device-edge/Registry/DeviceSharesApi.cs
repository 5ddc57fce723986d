using Facade.Common;
using Facade.Common.Auth;
using Facade.DeviceEdge.Auth;
using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Facade.DeviceEdge.Registry;

/// <summary><c>/devices/{id}/shares/{userId}</c>: the owner lets another user read or control a device, or stops.</summary>
internal static class DeviceSharesApi
{
    public static IEndpointRouteBuilder MapDeviceSharesApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var shares = app.MapGroup("/devices/{id}/shares");
        shares.MapPut("/{userId}", PutAsync).RequireScopes(DeviceScopes.DevicesWrite);
        shares.MapDelete("/{userId}", DeleteAsync).RequireScopes(DeviceScopes.DevicesWrite);
        return app;
    }

    public static async Task<Results<Ok<ShareView>, JsonHttpResult<ErrorBody>>> PutAsync(
        HttpContext http, [AsParameters] RegistryServices services, string id, string userId)
    {
        var caller = Caller.From(http.User);
        var (request, error) = await services.Body.ReadAsync(http.Request, RegistryJsonContext.Default.ShareRequest);
        if (error is not null)
        {
            return error;
        }

        if (request!.Parse() is not { } access)
        {
            return JsonBody.Invalid("'access' must be 'read' or 'control'.");
        }

        if (!DeviceRules.IsUserId(userId))
        {
            return JsonBody.Invalid("The user id must be 1 to 200 printable ASCII characters without spaces (the user's 'sub').");
        }

        var device = await DevicesApi.FindAsync(services, caller, id, http.RequestAborted);
        if (device is null)
        {
            return DeviceErrors.NotFound();
        }

        if (device.OwnerId != caller.UserId)
        {
            return DeviceErrors.Forbidden(DeviceAccess.Owner);
        }

        if (userId == device.OwnerId)
        {
            return JsonBody.Invalid("The owner already has every access; shares are for other users.");
        }

        var share = device.Shares.FirstOrDefault(s => s.UserId == userId);
        if (share is null)
        {
            share = new DeviceShare { DeviceId = device.Id, UserId = userId, CreatedAt = StoredTime.Now(services.Time) };
            device.Shares.Add(share);
        }

        share.Access = access;
        await services.Db.SaveChangesAsync(http.RequestAborted);
        return TypedResults.Ok(DeviceQueries.ToView(share));
    }

    public static async Task<Results<NoContent, JsonHttpResult<ErrorBody>>> DeleteAsync(
        HttpContext http, [AsParameters] RegistryServices services, string id, string userId)
    {
        var caller = Caller.From(http.User);
        var device = await DevicesApi.FindAsync(services, caller, id, http.RequestAborted);
        if (device is null)
        {
            return DeviceErrors.NotFound();
        }

        if (device.OwnerId != caller.UserId)
        {
            return DeviceErrors.Forbidden(DeviceAccess.Owner);
        }

        var share = device.Shares.FirstOrDefault(s => s.UserId == userId);
        if (share is null)
        {
            return JsonErrors.Typed(StatusCodes.Status404NotFound, "not_found", "This device is not shared with that user.");
        }

        device.Shares.Remove(share);
        await services.Db.SaveChangesAsync(http.RequestAborted);
        return TypedResults.NoContent();
    }
}
