using System.Net;
using System.Net.Sockets;

namespace Facade.Bench.Servers;

/// <summary>Free loopback ports, asked from the kernel; every server of the harness listens on 127.0.0.1 only.</summary>
internal static class Ports
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static Uri Loopback(int port) => new($"http://127.0.0.1:{port}/");
}
