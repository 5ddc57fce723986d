using System.Net;
using Facade.Testing;
using MQTTnet;
using static Facade.DeviceEdge.Tests.Telemetry.TelemetryKit;

namespace Facade.DeviceEdge.Tests.Telemetry;

/// <summary>
/// "Nothing acknowledged at QoS 1 is lost across a worker restart": devices publish at QoS 1 from several
/// connections at once (so batches are in flight), the device edge process is killed (SIGKILL, no shutdown) right
/// after the last acknowledgement, and a new process on the same data folder has every acknowledged reading.
/// </summary>
public sealed class TelemetryRestartTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    private const int Devices = 4;
    private const int PerDevice = 150;

    [Fact]
    public async Task KilledRightAfterTheAcks_RestartHasEveryAcknowledgedReading()
    {
        var data = Directory.CreateTempSubdirectory("facade-telemetry-restart-").FullName;
        try
        {
            var owner = DeviceEdgeFixture.NewUser();
            var t0 = RecentMinute();
            var acknowledged = new int[Devices];
            var ids = new string[Devices];
            await using (var first = await DeviceEdgeProcess.StartAsync(fixture.Issuer.BaseUrl, data))
            {
                using var http = first.CreateClient(fixture.Issuer.Token(owner, TelemetryKit.Read));
                var clients = new List<TestDevice>();
                for (var d = 0; d < Devices; d++)
                {
                    var (status, json) = await http.SendJsonAsync(HttpMethod.Post, "devices", """{"name":"Restart","type":"sensor"}""");
                    Assert.Equal(HttpStatusCode.Created, status);
                    ids[d] = json.Text("id")!;
                    var (client, connect) = await TestDevice.ConnectAsync(first.MqttPort, ids[d], json.Text("secret"), cancellationToken: TestContext.Current.CancellationToken);
                    Assert.Equal(MqttClientConnectResultCode.Success, connect.ResultCode);
                    clients.Add(client);
                }

                await Task.WhenAll(clients.Select(async (client, d) =>
                {
                    // Several publishes in flight per connection, so the edge has batches to commit when it dies.
                    var publishes = Enumerable.Range(0, PerDevice).Select(i => client.SendAsync(Payload(t0 + i, ("temperature", i)))).ToList();
                    foreach (var publish in publishes)
                    {
                        if ((await publish).ReasonCode == MqttClientPublishReasonCode.Success)
                        {
                            Interlocked.Increment(ref acknowledged[d]);
                        }
                    }
                }));

                await first.KillAsync();
                clients.ForEach(c => c.Dispose());
            }

            await using var second = await DeviceEdgeProcess.StartAsync(fixture.Issuer.BaseUrl, data);
            using var again = second.CreateClient(fixture.Issuer.Token(owner, TelemetryKit.Read));
            for (var d = 0; d < Devices; d++)
            {
                Assert.Equal(PerDevice, acknowledged[d]);
                var (status, history) = await again.SendJsonAsync(HttpMethod.Get, $"devices/{ids[d]}/telemetry/temperature?from={Iso(t0)}&to={Iso(t0 + 60_000)}&limit=1000");
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Equal(Enumerable.Range(0, PerDevice).Select(i => new Point(t0 + i, i)), TelemetryIngestTests.Points(history));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }
}
