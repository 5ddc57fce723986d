using System.Net.Sockets;

namespace Facade.Bench.Servers;

/// <summary>
/// The device edge as deployed (Production, its shipped appsettings.json), trusting the benchmark edge's tokens, with
/// its SQLite data in the scratch folder and the embedded MQTT broker on a free loopback port. Telemetry may be two
/// days old, so the history scenario can seed a whole previous UTC day. It follows the edge's revocation feed with the
/// benchmark's resource-server client (the one the MCP adapter uses), its secret in the environment.
/// </summary>
internal sealed class DeviceEdgeServer(ServerProcess process, int mqttPort)
{
    public ServerProcess Process { get; } = process;

    public int MqttPort { get; } = mqttPort;

    public static bool Available(BenchContext context) => File.Exists(context.Dll("device-edge", "Facade.DeviceEdge"));

    /// <summary>Starts it on <paramref name="url"/>, reserved before the edge started so the edge's realtime feed knows it.</summary>
    public static async Task<DeviceEdgeServer> StartAsync(BenchContext context, EdgeServer edge, Uri url)
    {
        var mqtt = Ports.Free();
        var process = ServerProcess.Start("device-edge", url, "dotnet",
        [
            context.Dll("device-edge", "Facade.DeviceEdge"), "--urls", Peers.Origin(url),
            "--environment=Production",
            $"--DeviceEdge:Issuer={edge.PublicUrl}",
            $"--DeviceEdge:DataDirectory={context.Folder("device-edge")}",
            "--DeviceEdge:Mqtt:Address=127.0.0.1",
            $"--DeviceEdge:Mqtt:Port={mqtt}",
            "--DeviceEdge:Telemetry:MaxAge=2.00:00:00",
            $"--DeviceEdge:Revocations:ClientId={EdgeServer.AdapterClientId}",
        ], Path.Combine(context.Root, "device-edge"), context.Logs,
            EdgeServer.WithSecret(BenchContext.DotnetEnvironment(), "DeviceEdge__Revocations__ClientSecret", edge.AdapterClientSecret));
        await process.ReadyAsync("healthz/live", TimeSpan.FromSeconds(90));
        await WaitForTcpAsync(mqtt, TimeSpan.FromSeconds(30), process.Name);
        return new DeviceEdgeServer(process, mqtt);
    }

    /// <summary>Waits until something accepts TCP connections on the loopback port.</summary>
    public static async Task WaitForTcpAsync(int port, TimeSpan timeout, string name)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (SocketException exception)
            {
                throw new TimeoutException($"{name} does not accept connections on 127.0.0.1:{port}: {exception.Message}");
            }
        }
    }
}
