namespace Facade.DeviceEdge.Registry;

/// <summary>What a share grants. Ordered: each level includes the ones before it.</summary>
internal enum ShareAccess
{
    /// <summary>See the device, its status (and later its telemetry).</summary>
    Read = 1,

    /// <summary>Also change its name, tags and firmware version (and later send it commands, set its shadow).</summary>
    Control = 2,
}

/// <summary>What the caller may do with a device: through a share, or everything as its owner.</summary>
internal enum DeviceAccess
{
    Read = ShareAccess.Read,
    Control = ShareAccess.Control,
    Owner = 3,
}
