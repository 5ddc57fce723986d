using System.Net;
using System.Text.Json;
using Facade.DeviceEdge.Data;
using Facade.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.DeviceEdge.Tests.Status;

/// <summary>Status lives in memory and is flushed to the database; a restart keeps last seen, and nobody is online after it.</summary>
public sealed class StatusPersistenceTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task Restart_KeepsLastSeen_AndEveryDeviceStartsOffline()
    {
        var events = new DeviceEvents();
        var first = fixture.StartHost(events: events);
        first.KeepData = true;
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner, host: first);
        var client = await fixture.ConnectAsync(device, host: first);
        await events.StatusAsync(device.Id, online: true);
        var before = await StatusAsync(first, owner, device.Id);
        Assert.True(before.GetProperty("online").GetBoolean());

        await first.DisposeAsync(); // stops the broker (the device drops), then the last flush
        client.Dispose();
        await using var second = fixture.StartHost(dataDirectory: first.DataDirectory, events: new DeviceEvents());

        var after = await StatusAsync(second, owner, device.Id);
        Assert.False(after.GetProperty("online").GetBoolean());
        Assert.Equal(before.GetProperty("lastSeen").GetDateTimeOffset(), after.GetProperty("lastSeen").GetDateTimeOffset());
    }

    [Fact]
    public async Task Flush_WritesStatusWhileRunning()
    {
        var events = new DeviceEvents();
        await using var host = fixture.StartHost(new Dictionary<string, string?> { ["DeviceEdge:StatusFlushInterval"] = "00:00:01" }, events: events);
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner, host: host);
        using var client = await fixture.ConnectAsync(device, host: host);
        await events.StatusAsync(device.Id, online: true);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await StoredOnlineAsync(host, device.Id))
        {
            Assert.True(DateTime.UtcNow < deadline, "The status was never flushed.");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<bool> StoredOnlineAsync(DeviceEdgeHost host, string deviceId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeviceEdgeDbContext>();
        var row = await db.DeviceStatuses.AsNoTracking().FirstOrDefaultAsync(s => s.DeviceId == deviceId, TestContext.Current.CancellationToken);
        return row is { Online: true, LastSeen: not null, ClientAddress: not null };
    }

    private async Task<JsonElement> StatusAsync(DeviceEdgeHost host, string owner, string deviceId)
    {
        using var client = fixture.Client(owner, host: host);
        var (status, json) = await client.SendJsonAsync(HttpMethod.Get, $"devices/{deviceId}");
        Assert.Equal(HttpStatusCode.OK, status);
        return json.GetProperty("status");
    }
}
