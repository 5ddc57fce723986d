using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Facade.Common;
using Facade.Common.Auth;
using Facade.DeviceEdge.Auth;
using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Hosting;
using Facade.DeviceEdge.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Shadows;

/// <summary>
/// <c>GET /devices/{id}/shadow</c> (<c>devices:read</c>, anyone who sees the device) and
/// <c>PATCH /devices/{id}/shadow/desired</c> (<c>devices:write</c>, owner or control share): a JSON merge patch
/// (RFC 7396) of the desired state. A patch that changes something moves the desired version on and is published to
/// the device; one that changes nothing keeps the version.
/// </summary>
internal static class ShadowsApi
{
    public static IEndpointRouteBuilder MapShadowsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/devices/{id}/shadow", GetAsync).RequireScopes(DeviceScopes.DevicesRead);
        app.MapPatch("/devices/{id}/shadow/desired", PatchDesiredAsync).RequireScopes(DeviceScopes.DevicesWrite);
        return app;
    }

    public static async Task<Results<Ok<ShadowView>, JsonHttpResult<ErrorBody>>> GetAsync(
        HttpContext http, DeviceEdgeDbContext db, ShadowStore store, string id)
    {
        var caller = Caller.From(http.User);
        var device = await db.FindVisibleAsync(caller.UserId, id, http.RequestAborted);
        return device is null
            ? DeviceErrors.NotFound()
            : TypedResults.Ok(ShadowView.Of(await store.GetAsync(device.Id, http.RequestAborted)));
    }

    public static async Task<Results<Ok<ShadowView>, JsonHttpResult<ErrorBody>>> PatchDesiredAsync(
        HttpContext http, DeviceEdgeDbContext db, JsonBody body, ShadowStore store, ShadowPublisher publisher,
        IOptions<ShadowOptions> options, TimeProvider time, string id)
    {
        var caller = Caller.From(http.User);
        // Read as a document, which refuses repeated keys while parsing (a JsonNode would only fail later, when used).
        var (document, error) = await body.ReadAsync(http.Request, ShadowsJsonContext.Default.JsonDocument);
        if (error is not null)
        {
            return error;
        }

        JsonObject members;
        using (document)
        {
            if (document!.RootElement.ValueKind != JsonValueKind.Object)
            {
                return JsonBody.Invalid("The body must be a JSON object: a merge patch (RFC 7396) of the desired state.");
            }

            members = JsonObject.Create(document.RootElement.Clone())!;
        }

        var device = await db.FindVisibleAsync(caller.UserId, id, http.RequestAborted);
        if (device is null)
        {
            return DeviceErrors.NotFound();
        }

        if (DeviceQueries.AccessOf(device, caller.UserId) < DeviceAccess.Control)
        {
            return DeviceErrors.Forbidden(DeviceAccess.Control);
        }

        var limit = options.Value.MaxDesiredBytes;
        JsonHttpResult<ErrorBody>? refusal = null;
        var changed = false;
        var shadow = await store.UpdateAsync(device.Id, current =>
        {
            refusal = null;
            changed = false;
            var before = ShadowDocument.Parse(current.Desired);
            var after = (JsonObject)ShadowDocument.MergePatch(before.DeepClone(), members)!;
            if (ShadowDocument.CheckDesired(after) is { } problem)
            {
                refusal = JsonBody.Invalid(problem);
                return false;
            }

            var text = after.ToJsonString();
            if (Encoding.UTF8.GetByteCount(text) > limit)
            {
                refusal = JsonErrors.Typed(StatusCodes.Status413PayloadTooLarge, "request_too_large", $"The desired state would be larger than {limit} bytes.");
                return false;
            }

            if (JsonNode.DeepEquals(before, after))
            {
                return false;
            }

            current.Desired = text;
            current.DesiredVersion++;
            current.DesiredAt = StoredTime.Now(time);
            changed = true;
            return true;
        }, http.RequestAborted);

        if (refusal is not null)
        {
            return refusal;
        }

        if (changed)
        {
            publisher.Enqueue(device.Id);
        }

        return TypedResults.Ok(ShadowView.Of(shadow));
    }
}
