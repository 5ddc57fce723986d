using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Hosting;
using Facade.DeviceEdge.Status;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Commands;

/// <summary>What the commands endpoints use, bound with <c>[AsParameters]</c>.</summary>
internal sealed class CommandServices(
    DeviceEdgeDbContext db,
    JsonBody body,
    CommandStore store,
    CommandWaiters waiters,
    CommandDelivery delivery,
    DeviceStatusBoard board,
    CommandChangeNotifier changes,
    IOptions<CommandOptions> options,
    TimeProvider time)
{
    public DeviceEdgeDbContext Db { get; } = db;
    public JsonBody Body { get; } = body;
    public CommandStore Store { get; } = store;
    public CommandWaiters Waiters { get; } = waiters;
    public CommandDelivery Delivery { get; } = delivery;
    public DeviceStatusBoard Board { get; } = board;
    public CommandChangeNotifier Changes { get; } = changes;
    public IOptions<CommandOptions> Options { get; } = options;
    public TimeProvider Time { get; } = time;
}
