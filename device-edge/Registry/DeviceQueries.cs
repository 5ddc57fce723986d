using Facade.DeviceEdge.Status;

namespace Facade.DeviceEdge.Registry;

/// <summary>Ownership: a caller sees the devices they own and those shared with them, and nothing else exists for them.</summary>
internal static class DeviceQueries
{
    public static IQueryable<Device> VisibleTo(this IQueryable<Device> devices, string userId) =>
        devices.Where(d => d.OwnerId == userId || d.Shares.Any(s => s.UserId == userId));

    /// <summary>The caller's access to a device loaded with its shares and visible to them.</summary>
    public static DeviceAccess AccessOf(Device device, string userId) =>
        device.OwnerId == userId
            ? DeviceAccess.Owner
            : (DeviceAccess)device.Shares.Single(s => s.UserId == userId).Access;

    public static DeviceView ToView(Device device, string userId, DeviceStatusView status)
    {
        var access = AccessOf(device, userId);
        var shares = access == DeviceAccess.Owner
            ? device.Shares.OrderBy(s => s.UserId, StringComparer.Ordinal).Select(ToView).ToList()
            : null;
        return new DeviceView(device.Id, device.Name, device.Type, device.Tags, device.FirmwareVersion, device.OwnerId,
            AccessNames.Of(access), device.CreatedAt, device.UpdatedAt, status, shares);
    }

    public static ShareView ToView(DeviceShare share) => new(share.UserId, AccessNames.Of(share.Access), share.CreatedAt);
}
