using Facade.DeviceEdge.Data;
using Microsoft.EntityFrameworkCore;

namespace Facade.DeviceEdge.Shadows;

/// <summary>
/// Reads and changes shadows. A change is a read-modify-write guarded by the desired version (a concurrency token), so
/// two changes at once never lose one another: the one that loses the race is applied again to the fresh row.
/// </summary>
internal sealed class ShadowStore(IDbContextFactory<DeviceEdgeDbContext> contexts)
{
    private const int Attempts = 5;

    public async Task<DeviceShadow> GetAsync(string deviceId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Shadows.AsNoTracking().FirstOrDefaultAsync(s => s.DeviceId == deviceId, cancellationToken)
            ?? new DeviceShadow { DeviceId = deviceId };
    }

    /// <summary>
    /// Calls <paramref name="change"/> on the device's shadow (an empty one if it has none yet) and saves it when it
    /// returns true; returns the shadow as it now is. <paramref name="change"/> may run more than once (on a conflict).
    /// </summary>
    public async Task<DeviceShadow> UpdateAsync(string deviceId, Func<DeviceShadow, bool> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var shadow = await db.Shadows.FirstOrDefaultAsync(s => s.DeviceId == deviceId, cancellationToken);
            var isNew = shadow is null;
            shadow ??= new DeviceShadow { DeviceId = deviceId };
            if (!change(shadow))
            {
                return shadow;
            }

            if (isNew)
            {
                db.Shadows.Add(shadow);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return shadow;
            }
            catch (DbUpdateException) when (attempt < Attempts)
            {
                // Changed (concurrency token) or created (primary key) by someone else meanwhile: apply to the fresh row.
            }
        }
    }
}
