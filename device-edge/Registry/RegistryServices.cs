using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Hosting;
using Facade.DeviceEdge.Status;

namespace Facade.DeviceEdge.Registry;

/// <summary>What the registry endpoints use, bound with <c>[AsParameters]</c>.</summary>
internal sealed class RegistryServices(DeviceEdgeDbContext db, DeviceStatusBoard board, IDeviceChannel channel, JsonBody body, TimeProvider time)
{
    public DeviceEdgeDbContext Db { get; } = db;
    public DeviceStatusBoard Board { get; } = board;
    public IDeviceChannel Channel { get; } = channel;
    public JsonBody Body { get; } = body;
    public TimeProvider Time { get; } = time;
}
