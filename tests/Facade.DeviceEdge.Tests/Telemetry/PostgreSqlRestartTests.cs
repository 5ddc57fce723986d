using System.Net;
using Facade.Testing;
using MQTTnet;
using static Facade.DeviceEdge.Tests.Telemetry.TelemetryKit;

namespace Facade.DeviceEdge.Tests.Telemetry;

/// <summary>
/// Fault drill: the device edge's PostgreSQL server dies and comes back. A reading sent while it is down is not
/// acknowledged as stored (the device keeps it and sends it again); once the server is back the telemetry writer opens
/// a new connection by itself, and every acknowledged reading is there exactly once. A server of its own: it is killed.
/// </summary>
public sealed class PostgreSqlRestartTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task ReadingsAcknowledgedAroundADatabaseRestart_AreAllStoredOnce()
    {
        await using var server = await PostgreSqlServer.StartAsync();
        await using var host = fixture.StartHost(new Dictionary<string, string?>
        {
            ["DeviceEdge:DatabaseProvider"] = "PostgreSql",
            ["DeviceEdge:ConnectionString"] = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken),
        });
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner, host: host);
        var client = await fixture.ConnectAsync(device, host: host);
        var t0 = RecentMinute();
        await client.StoreAsync(Payload(t0, ("temperature", 1)));

        await server.KillAsync();
        Assert.False(await AcknowledgedAsync(client, Payload(t0 + 1_000, ("temperature", 2))), "acknowledged while the database was down");

        await server.StartAgainAsync();
        async Task<bool> ReconnectAsync()
        {
            client.Dispose();
            try
            {
                client = await fixture.ConnectAsync(device, host: host);
                return true;
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
                return false;
            }
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            // The device edge may have disconnected the device over the failed store: it connects again (refused while
            // the connection pool still hands out connections the restart broke) and resends.
            if (client.IsConnected || await ReconnectAsync())
            {
                if (await AcknowledgedAsync(client, Payload(t0 + 1_000, ("temperature", 2))))
                {
                    break;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, "still not acknowledged 30 s after the database came back");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        await client.StoreAsync(Payload(t0 + 2_000, ("temperature", 3)));
        using var http = fixture.Client(owner, Read, host);
        var (status, raw) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}/telemetry/temperature?from={Iso(t0)}&to={Iso(t0 + 60_000)}&resolution=raw");
        Assert.True(status == HttpStatusCode.OK, $"{status}: {raw}");
        Assert.Equal([new Point(t0, 1), new Point(t0 + 1_000, 2), new Point(t0 + 2_000, 3)], TelemetryIngestTests.Points(raw));
        client.Dispose();
    }

    /// <summary>True when the broker acknowledged the reading as stored; a refusal or a disconnect is not.</summary>
    private static async Task<bool> AcknowledgedAsync(TestDevice client, string payload)
    {
        try
        {
            return (await client.SendAsync(payload)).ReasonCode == MqttClientPublishReasonCode.Success;
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            return false;
        }
    }
}
