using System.Net;

namespace Facade.DeviceEdge.Tests.Registry;

/// <summary>
/// A caller sees and acts only on devices they own or that are shared with them. Another user's device does not
/// exist for them (404 everywhere); a device they see but lack the access for is 403 <c>forbidden</c>.
/// </summary>
public sealed class OwnershipTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    public static TheoryData<string, string, string?> EveryDeviceEndpoint => new()
    {
        { "GET", "devices/{id}", null },
        { "PATCH", "devices/{id}", """{"name":"stolen"}""" },
        { "DELETE", "devices/{id}", null },
        { "POST", "devices/{id}/secret", null },
        { "PUT", "devices/{id}/shares/{other}", """{"access":"control"}""" },
        { "DELETE", "devices/{id}/shares/{other}", null },
    };

    [Theory]
    [MemberData(nameof(EveryDeviceEndpoint))]
    public async Task AnotherUsersDevice_Is404(string method, string path, string? body)
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        var stranger = DeviceEdgeFixture.NewUser();
        using var client = fixture.Client(stranger);

        var (status, json) = await client.SendJsonAsync(new HttpMethod(method), Expand(path, device.Id, stranger), body);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not_found", json.Text("error"));
        using var ownerClient = fixture.Client(owner);
        var (_, still) = await ownerClient.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}");
        Assert.Equal("Test device", still.Text("name"));
        Assert.Equal(0, still.GetProperty("shares").GetArrayLength());
    }

    [Fact]
    public async Task AnotherUsersDevice_IsNotListedNorCounted()
    {
        await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser());
        using var client = fixture.Client(DeviceEdgeFixture.NewUser());

        var (_, list) = await client.SendJsonAsync(HttpMethod.Get, "devices");
        var (_, summary) = await client.SendJsonAsync(HttpMethod.Get, "devices/summary");

        Assert.Equal(0, list.GetProperty("devices").GetArrayLength());
        Assert.Equal(0, summary.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ReadShare_CanRead_ButNotChange()
    {
        var (device, _, reader) = await SharedAsync("read");
        using var client = fixture.Client(reader);

        var (readStatus, read) = await client.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}");
        var (patchStatus, patch) = await client.SendJsonAsync(HttpMethod.Patch, $"devices/{device.Id}", """{"name":"mine now"}""");

        Assert.Equal(HttpStatusCode.OK, readStatus);
        Assert.Equal("read", read.Text("access"));
        Assert.False(read.TryGetProperty("shares", out var shares) && shares.ValueKind == System.Text.Json.JsonValueKind.Array);
        Assert.Equal(HttpStatusCode.Forbidden, patchStatus);
        Assert.Equal("forbidden", patch.Text("error"));
    }

    [Fact]
    public async Task ControlShare_CanChange()
    {
        var (device, _, controller) = await SharedAsync("control");
        using var client = fixture.Client(controller);

        var (status, json) = await client.SendJsonAsync(HttpMethod.Patch, $"devices/{device.Id}", """{"name":"Adjusted"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Adjusted", json.Text("name"));
        Assert.Equal("control", json.Text("access"));
    }

    [Theory]
    [InlineData("read", "DELETE", "devices/{id}", null)]
    [InlineData("control", "DELETE", "devices/{id}", null)]
    [InlineData("control", "POST", "devices/{id}/secret", null)]
    [InlineData("control", "PUT", "devices/{id}/shares/{other}", """{"access":"control"}""")]
    [InlineData("control", "DELETE", "devices/{id}/shares/{other}", null)]
    public async Task OwnerOnlyActions_Return403ForShares(string access, string method, string path, string? body)
    {
        var (device, _, member) = await SharedAsync(access);
        using var client = fixture.Client(member);

        var (status, json) = await client.SendJsonAsync(new HttpMethod(method), Expand(path, device.Id, member), body);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("forbidden", json.Text("error"));
        Assert.Contains("owner", json.Text("error_description"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unshare_TakesTheDeviceAway()
    {
        var (device, owner, reader) = await SharedAsync("read");
        using var ownerClient = fixture.Client(owner);
        using var readerClient = fixture.Client(reader);

        var (status, _) = await ownerClient.SendJsonAsync(HttpMethod.Delete, $"devices/{device.Id}/shares/{reader}");
        var (after, _) = await readerClient.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}");
        var (again, json) = await ownerClient.SendJsonAsync(HttpMethod.Delete, $"devices/{device.Id}/shares/{reader}");

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal(HttpStatusCode.NotFound, after);
        Assert.Equal(HttpStatusCode.NotFound, again);
        Assert.Equal("not_found", json.Text("error"));
    }

    [Fact]
    public async Task Share_UpgradesAndShowsToTheOwner()
    {
        var (device, owner, member) = await SharedAsync("read");
        using var ownerClient = fixture.Client(owner);

        var (status, share) = await ownerClient.SendJsonAsync(HttpMethod.Put, $"devices/{device.Id}/shares/{member}", """{"access":"control"}""");
        var (_, view) = await ownerClient.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("control", share.Text("access"));
        var shares = view.GetProperty("shares").EnumerateArray().ToList();
        Assert.Single(shares);
        Assert.Equal(member, shares[0].Text("userId"));
        Assert.Equal("control", shares[0].Text("access"));
    }

    private async Task<(Provisioned Device, string Owner, string Member)> SharedAsync(string access)
    {
        var owner = DeviceEdgeFixture.NewUser();
        var member = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var client = fixture.Client(owner);
        var (status, json) = await client.SendJsonAsync(HttpMethod.Put, $"devices/{device.Id}/shares/{member}", $$"""{"access":"{{access}}"}""");
        Assert.True(status == HttpStatusCode.OK, json.ToString());
        return (device, owner, member);
    }

    private static string Expand(string path, string deviceId, string other) =>
        path.Replace("{id}", deviceId, StringComparison.Ordinal).Replace("{other}", other, StringComparison.Ordinal);
}
