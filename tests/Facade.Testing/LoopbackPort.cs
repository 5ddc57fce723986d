using System.Net;
using System.Net.Sockets;

namespace Facade.Testing;

/// <summary>Free loopback ports for servers a test starts itself (PostgreSQL, Redis, HAProxy, an adapter chosen before the edge).</summary>
public static class LoopbackPort
{
    /// <summary>A port nothing listens on right now (another process could take it before it is used: starters retry).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
