using System.Net;
using System.Text.Json;

namespace Facade.DeviceEdge.Tests.Registry;

/// <summary>Provisioning, listing, reading, changing and deleting devices over REST, as their owner.</summary>
public sealed class ProvisioningTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task Provision_ReturnsTheSecretOnce_AndReadsNeverShowIt()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var id = DeviceEdgeFixture.NewDeviceId();
        using var client = fixture.Client(owner);

        var (status, created) = await client.SendJsonAsync(HttpMethod.Post, "devices",
            $$"""{"id":"{{id}}","name":"Boiler room","type":"thermometer","tags":["site:berlin","floor=2","site:berlin"],"firmwareVersion":"1.4.2"}""");

        Assert.Equal(HttpStatusCode.Created, status);
        var secret = created.Text("secret")!;
        Assert.StartsWith("fdev_", secret, StringComparison.Ordinal);
        Assert.Equal(5 + 43, secret.Length); // 256 bits in base64url
        Assert.Equal(id, created.Text("id"));
        Assert.Equal(owner, created.Text("owner"));
        Assert.Equal(id, created.GetProperty("mqtt").Text("username"));
        Assert.Equal(id, created.GetProperty("mqtt").Text("clientId"));
        Assert.Equal(["site:berlin", "floor=2"], created.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));

        var (readStatus, read) = await client.SendJsonAsync(HttpMethod.Get, $"devices/{id}");
        Assert.Equal(HttpStatusCode.OK, readStatus);
        Assert.Equal("owner", read.Text("access"));
        Assert.Equal("1.4.2", read.Text("firmwareVersion"));
        Assert.False(read.GetProperty("status").GetProperty("online").GetBoolean());
        Assert.Equal(JsonValueKind.Array, read.GetProperty("shares").ValueKind);

        var (_, list) = await client.SendJsonAsync(HttpMethod.Get, "devices");
        foreach (var text in new[] { read.GetRawText(), list.GetRawText() })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("secret", text, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain(secret, fixture.Host.Logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provision_WithoutId_GeneratesOne()
    {
        var provisioned = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser());

        Assert.Matches("^dev-[0-9a-f]{16}$", provisioned.Id);
    }

    [Fact]
    public async Task Provision_ExistingId_Returns409_EvenForAnotherUser()
    {
        var device = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser());
        using var other = fixture.Client(DeviceEdgeFixture.NewUser());

        var (status, json) = await other.SendJsonAsync(HttpMethod.Post, "devices", $$"""{"id":"{{device.Id}}","name":"Mine","type":"sensor"}""");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("conflict", json.Text("error"));
    }

    [Fact]
    public async Task List_ShowsOwnedAndSharedDevices_PagedById()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var friend = DeviceEdgeFixture.NewUser();
        var mine = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            mine.Add((await fixture.ProvisionAsync(owner)).Id);
        }

        var shared = await fixture.ProvisionAsync(friend);
        using (var friendClient = fixture.Client(friend))
        {
            var (shareStatus, _) = await friendClient.SendJsonAsync(HttpMethod.Put, $"devices/{shared.Id}/shares/{owner}", """{"access":"read"}""");
            Assert.Equal(HttpStatusCode.OK, shareStatus);
        }

        await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser()); // someone else's: never listed
        using var client = fixture.Client(owner);
        var seen = new List<string>();
        string? after = null;
        do
        {
            var (status, page) = await client.SendJsonAsync(HttpMethod.Get, "devices?limit=2" + (after is null ? "" : "&after=" + after));
            Assert.Equal(HttpStatusCode.OK, status);
            seen.AddRange(page.GetProperty("devices").EnumerateArray().Select(d => d.Text("id")!));
            after = page.Text("next");
        }
        while (after is not null);

        Assert.Equal(mine.Append(shared.Id).Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task Update_ChangesNameTagsAndFirmware_AndEmptyFirmwareClearsIt()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var client = fixture.Client(owner);

        var (status, updated) = await client.SendJsonAsync(HttpMethod.Patch, $"devices/{device.Id}", """{"name":"Renamed","tags":["a","b"],"firmwareVersion":"2.0"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Renamed", updated.Text("name"));
        Assert.Equal(["a", "b"], updated.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("2.0", updated.Text("firmwareVersion"));

        var (_, cleared) = await client.SendJsonAsync(HttpMethod.Patch, $"devices/{device.Id}", """{"firmwareVersion":""}""", "application/merge-patch+json");
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("firmwareVersion").ValueKind);
        Assert.Equal("Renamed", cleared.Text("name"));
    }

    [Fact]
    public async Task Delete_RemovesTheDevice()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var client = fixture.Client(owner);

        var (status, _) = await client.SendJsonAsync(HttpMethod.Delete, $"devices/{device.Id}");
        var (after, json) = await client.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}");

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal(HttpStatusCode.NotFound, after);
        Assert.Equal("not_found", json.Text("error"));
    }
}
