using Facade.Testing;

namespace Facade.Bench.Servers;

/// <summary>Free loopback ports (below the kernel's ephemeral range, see <see cref="LoopbackPort"/>); every server of the harness listens on 127.0.0.1 only.</summary>
internal static class Ports
{
    public static int Free() => LoopbackPort.Free();

    public static Uri Loopback(int port) => new($"http://127.0.0.1:{port}/");
}
