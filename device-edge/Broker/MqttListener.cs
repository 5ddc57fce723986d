using System.Net;

namespace Facade.DeviceEdge.Broker;

/// <summary>Where the embedded broker listens, once started (port 0 in configuration becomes the port chosen).</summary>
public sealed class MqttListener
{
    public IPEndPoint? LocalEndPoint { get; internal set; }
}
