using Facade.DeviceEdge.Data;
using Microsoft.EntityFrameworkCore;

namespace Facade.DeviceEdge.Registry;

/// <summary>Finds a device for a caller, the way every endpoint under <c>/devices/{id}</c> does.</summary>
internal static class DeviceLookup
{
    /// <summary>The device with its shares if <paramref name="userId"/> may see it; null otherwise (and for ids that cannot exist).</summary>
    public static Task<Device?> FindVisibleAsync(this DeviceEdgeDbContext db, string userId, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return DeviceId.IsValid(id)
            ? db.Devices.Include(d => d.Shares).VisibleTo(userId).FirstOrDefaultAsync(d => d.Id == id, cancellationToken)
            : Task.FromResult<Device?>(null);
    }
}
