using System.Net;
using System.Net.Sockets;

namespace Facade.Testing;

/// <summary>Free loopback ports for servers a test starts itself (PostgreSQL, Redis, HAProxy, an adapter chosen before the edge).</summary>
public static class LoopbackPort
{
    /// <summary>The lowest port handed out; ports from here up to the kernel's ephemeral range are the candidates.</summary>
    private const int Lowest = 20_000;

    private static readonly HashSet<int> Given = [];
    private static readonly Lazy<int> EphemeralStart = new(ReadEphemeralStart);

    /// <summary>
    /// A port nothing listens on right now, chosen below the kernel's ephemeral range when there is room: a port the
    /// kernel hands out for <c>bind(0)</c> or an outgoing connection can be taken by another test's socket between
    /// this call and the server's own bind (CI saw exactly that), one below the range only by another reservation —
    /// never twice from this process. Another process may still take it: starters of external servers retry.
    /// </summary>
    public static int Free()
    {
        var end = EphemeralStart.Value;
        for (var attempt = 0; attempt < 200 && end - Lowest >= 1_000; attempt++)
        {
            var port = Random.Shared.Next(Lowest, end);
            lock (Given)
            {
                if (!Given.Add(port))
                {
                    continue;
                }
            }

            if (CanListen(port))
            {
                return port;
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool CanListen(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first port of Linux's ephemeral range (<c>net.ipv4.ip_local_port_range</c>); elsewhere, none below it is used.</summary>
    private static int ReadEphemeralStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.TryParse(range[0], out var start) ? start : Lowest;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return Lowest;
        }
    }
}
