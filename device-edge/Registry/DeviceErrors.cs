using Facade.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Facade.DeviceEdge.Registry;

/// <summary>The registry's error answers. A device the caller cannot see is 404, never 403: its existence is not revealed.</summary>
internal static class DeviceErrors
{
    public static JsonHttpResult<ErrorBody> NotFound() =>
        JsonErrors.Typed(StatusCodes.Status404NotFound, "not_found", "No device with this id.");

    public static JsonHttpResult<ErrorBody> Forbidden(DeviceAccess needed) =>
        JsonErrors.Typed(StatusCodes.Status403Forbidden, "forbidden", needed == DeviceAccess.Owner
            ? "Only the device's owner may do this."
            : "Your share of this device does not allow changing it: it needs 'control'.");

    public static JsonHttpResult<ErrorBody> Conflict() =>
        JsonErrors.Typed(StatusCodes.Status409Conflict, "conflict", "A device with this id already exists.");
}
