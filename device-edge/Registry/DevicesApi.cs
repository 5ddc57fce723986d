using System.Globalization;
using Facade.Common;
using Facade.Common.Auth;
using Facade.DeviceEdge.Auth;
using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Hosting;
using Facade.DeviceEdge.Shadows;
using Facade.DeviceEdge.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Facade.DeviceEdge.Registry;

/// <summary>
/// <c>/devices</c>: provisioning (the secret is shown once), listing (<c>?include=latest</c>: with each device's latest
/// telemetry), reading (<c>?include=shadow</c>: with its shadow), changing, deleting devices and rotating their secrets.
/// Reading needs <c>devices:read</c>, everything else <c>devices:write</c>; on top of the scope the caller needs the
/// device: owner, or a share (read, or control to change it).
/// </summary>
internal static class DevicesApi
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    public static IEndpointRouteBuilder MapDevicesApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var devices = app.MapGroup("/devices");
        devices.MapGet("", ListAsync).RequireScopes(DeviceScopes.DevicesRead);
        devices.MapPost("", CreateAsync).RequireScopes(DeviceScopes.DevicesWrite);
        devices.MapGet("/{id}", GetAsync).RequireScopes(DeviceScopes.DevicesRead);
        devices.MapPatch("/{id}", UpdateAsync).RequireScopes(DeviceScopes.DevicesWrite);
        devices.MapDelete("/{id}", DeleteAsync).RequireScopes(DeviceScopes.DevicesWrite);
        devices.MapPost("/{id}/secret", RotateSecretAsync).RequireScopes(DeviceScopes.DevicesWrite);
        return app;
    }

    public static async Task<Results<Ok<DeviceListView>, JsonHttpResult<ErrorBody>>> ListAsync(
        HttpContext http, [AsParameters] RegistryServices services, TelemetryQueries telemetry, string? limit, string? after, string? include)
    {
        var caller = Caller.From(http.User);
        var size = DefaultPageSize;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPageSize))
        {
            return JsonBody.Invalid($"'limit' must be a whole number from 1 to {MaxPageSize}.");
        }

        if (include is not (null or "latest"))
        {
            return JsonBody.Invalid("'include' may only be 'latest' (each device's latest telemetry, with telemetry:read).");
        }

        if (include is not null && !ScopeRequirement.HasAll(http.User, [DeviceScopes.TelemetryRead]))
        {
            return TelemetryApi.MissingScope(http);
        }

        var query = services.Db.Devices.AsNoTracking().Include(d => d.Shares).VisibleTo(caller.UserId);
        if (!string.IsNullOrEmpty(after))
        {
            query = query.Where(d => string.Compare(d.Id, after) > 0);
        }

        var page = await query.OrderBy(d => d.Id).Take(size + 1).ToListAsync(http.RequestAborted);
        var views = page.Take(size).Select(d => DeviceQueries.ToView(d, caller.UserId, services.Board.Get(d.Id))).ToList();
        if (include is not null)
        {
            var latest = await telemetry.LatestAsync(services.Db, views.ConvertAll(v => v.Id), http.RequestAborted);
            views = views.ConvertAll(v => v with { Latest = latest.GetValueOrDefault(v.Id) ?? [] });
        }

        return TypedResults.Ok(new DeviceListView(views, page.Count > size ? views[^1].Id : null));
    }

    public static async Task<Results<Created<ProvisionedDeviceView>, JsonHttpResult<ErrorBody>>> CreateAsync(
        HttpContext http, [AsParameters] RegistryServices services)
    {
        var caller = Caller.From(http.User);
        var (request, error) = await services.Body.ReadAsync(http.Request, RegistryJsonContext.Default.CreateDeviceRequest);
        if (error is not null)
        {
            return error;
        }

        if (request!.Check() is { } problem)
        {
            return JsonBody.Invalid(problem);
        }

        var now = StoredTime.Now(services.Time);
        var secret = DeviceSecret.New();
        var device = new Device
        {
            Id = request.Id ?? DeviceId.New(),
            Name = request.Name!.Trim(),
            Type = request.Type!,
            Tags = DeviceRules.NormalizeTags(request.Tags),
            FirmwareVersion = string.IsNullOrEmpty(request.FirmwareVersion) ? null : request.FirmwareVersion,
            OwnerId = caller.UserId,
            SecretHash = DeviceSecret.Hash(secret),
            CreatedAt = now,
            UpdatedAt = now,
            SecretIssuedAt = now,
        };
        if (await services.Db.Devices.AnyAsync(d => d.Id == device.Id, http.RequestAborted))
        {
            return DeviceErrors.Conflict();
        }

        services.Db.Devices.Add(device);
        try
        {
            await services.Db.SaveChangesAsync(http.RequestAborted);
        }
        catch (DbUpdateException)
        {
            return DeviceErrors.Conflict(); // Created by a concurrent request in between.
        }

        var view = new ProvisionedDeviceView(device.Id, device.Name, device.Type, device.Tags, device.FirmwareVersion, device.OwnerId,
            device.CreatedAt, secret, new MqttCredentialsView(device.Id, device.Id));
        return TypedResults.Created($"/devices/{device.Id}", view);
    }

    public static async Task<Results<Ok<DeviceView>, JsonHttpResult<ErrorBody>>> GetAsync(
        HttpContext http, [AsParameters] RegistryServices services, ShadowStore shadows, string id, string? include)
    {
        if (include is not (null or "shadow"))
        {
            return JsonBody.Invalid("'include' may only be 'shadow' (the device's shadow: desired and reported state).");
        }

        var caller = Caller.From(http.User);
        var device = await FindAsync(services, caller, id, http.RequestAborted);
        if (device is null)
        {
            return DeviceErrors.NotFound();
        }

        var view = DeviceQueries.ToView(device, caller.UserId, services.Board.Get(device.Id));
        return TypedResults.Ok(include is null ? view : view with { Shadow = ShadowView.Of(await shadows.GetAsync(device.Id, http.RequestAborted)) });
    }

    public static async Task<Results<Ok<DeviceView>, JsonHttpResult<ErrorBody>>> UpdateAsync(
        HttpContext http, [AsParameters] RegistryServices services, string id)
    {
        var caller = Caller.From(http.User);
        var (request, error) = await services.Body.ReadAsync(http.Request, RegistryJsonContext.Default.UpdateDeviceRequest);
        if (error is not null)
        {
            return error;
        }

        if (request!.Check() is { } problem)
        {
            return JsonBody.Invalid(problem);
        }

        var device = await FindAsync(services, caller, id, http.RequestAborted);
        if (device is null)
        {
            return DeviceErrors.NotFound();
        }

        if (DeviceQueries.AccessOf(device, caller.UserId) < DeviceAccess.Control)
        {
            return DeviceErrors.Forbidden(DeviceAccess.Control);
        }

        device.Name = request.Name?.Trim() ?? device.Name;
        device.Tags = request.Tags is null ? device.Tags : DeviceRules.NormalizeTags(request.Tags);
        device.FirmwareVersion = request.FirmwareVersion is null ? device.FirmwareVersion
            : request.FirmwareVersion.Length == 0 ? null : request.FirmwareVersion;
        device.UpdatedAt = StoredTime.Now(services.Time);
        await services.Db.SaveChangesAsync(http.RequestAborted);
        return TypedResults.Ok(DeviceQueries.ToView(device, caller.UserId, services.Board.Get(device.Id)));
    }

    public static async Task<Results<NoContent, JsonHttpResult<ErrorBody>>> DeleteAsync(
        HttpContext http, [AsParameters] RegistryServices services, string id)
    {
        var caller = Caller.From(http.User);
        var device = await FindAsync(services, caller, id, http.RequestAborted);
        if (device is null)
        {
            return DeviceErrors.NotFound();
        }

        if (device.OwnerId != caller.UserId)
        {
            return DeviceErrors.Forbidden(DeviceAccess.Owner);
        }

        services.Db.Devices.Remove(device);
        await services.Db.SaveChangesAsync(http.RequestAborted);
        await services.Channel.RevokeAsync(device.Id, CancellationToken.None);
        await Shadows.RetainedDesiredState.ClearAsync(services.Channel, device.Id);
        services.Board.Forget(device.Id);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<SecretView>, JsonHttpResult<ErrorBody>>> RotateSecretAsync(
        HttpContext http, [AsParameters] RegistryServices services, string id)
    {
        var caller = Caller.From(http.User);
        var device = await FindAsync(services, caller, id, http.RequestAborted);
        if (device is null)
        {
            return DeviceErrors.NotFound();
        }

        if (device.OwnerId != caller.UserId)
        {
            return DeviceErrors.Forbidden(DeviceAccess.Owner);
        }

        var secret = DeviceSecret.New();
        var now = StoredTime.Now(services.Time);
        device.SecretHash = DeviceSecret.Hash(secret);
        device.SecretIssuedAt = now;
        device.UpdatedAt = now;
        await services.Db.SaveChangesAsync(http.RequestAborted);

        // After the commit: a connection accepted with the old secret from here on is closed (see DeviceSessions).
        await services.Channel.RevokeAsync(device.Id, CancellationToken.None);
        return TypedResults.Ok(new SecretView(device.Id, secret, now));
    }

    /// <summary>The device with its shares if the caller may see it; null otherwise (and for ids that cannot exist).</summary>
    internal static Task<Device?> FindAsync(RegistryServices services, Caller caller, string id, CancellationToken cancellationToken) =>
        services.Db.FindVisibleAsync(caller.UserId, id, cancellationToken);
}
