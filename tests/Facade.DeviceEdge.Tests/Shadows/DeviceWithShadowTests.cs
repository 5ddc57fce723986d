using System.Net;
using System.Text.Json;

namespace Facade.DeviceEdge.Tests.Shadows;

/// <summary>
/// <c>GET /devices/{id}?include=shadow</c>: the device and its shadow in one answer (the MCP tool get_device shows
/// both), with <c>devices:read</c> like each of them alone; whoever cannot see the device gets 404 as everywhere.
/// </summary>
public sealed class DeviceWithShadowTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task IncludeShadow_EmbedsTheShadow_WithoutIt_TheDeviceAlone()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var http = fixture.Client(owner);
        var (patched, _) = await http.SendJsonAsync(HttpMethod.Patch, $"devices/{device.Id}/shadow/desired", """{"reportingIntervalSeconds":60}""");
        Assert.Equal(HttpStatusCode.OK, patched);

        var (status, json) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}?include=shadow");
        var (_, plain) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((device.Id, "owner"), (json.Text("id"), json.Text("access")));
        var shadow = json.GetProperty("shadow");
        Assert.Equal(device.Id, shadow.Text("deviceId"));
        Assert.Equal(60, shadow.GetProperty("desired").GetProperty("reportingIntervalSeconds").GetInt32());
        Assert.Equal(1, shadow.GetProperty("desiredVersion").GetInt64());
        Assert.False(shadow.GetProperty("inSync").GetBoolean());
        Assert.False(plain.TryGetProperty("shadow", out _));
    }

    [Fact]
    public async Task IncludeShadow_ForADeviceWithoutOne_IsTheEmptyShadow_AndAReadShareSeesIt()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var reader = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using (var http = fixture.Client(owner))
        {
            var (shared, _) = await http.SendJsonAsync(HttpMethod.Put, $"devices/{device.Id}/shares/{reader}", """{"access":"read"}""");
            Assert.True(shared is HttpStatusCode.OK or HttpStatusCode.NoContent, shared.ToString());
        }

        using var readerHttp = fixture.Client(reader, "devices:read");
        var (status, json) = await readerHttp.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}?include=shadow");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("read", json.Text("access"));
        Assert.Equal("{}", json.GetProperty("shadow").GetProperty("desired").GetRawText());
        Assert.True(json.GetProperty("shadow").GetProperty("inSync").GetBoolean());
    }

    [Fact]
    public async Task AnotherUsersDevice_IsNotFound_WithOrWithoutTheShadow()
    {
        var device = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser());
        using var stranger = fixture.Client(DeviceEdgeFixture.NewUser());

        var (status, json) = await stranger.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}?include=shadow");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not_found", json.Text("error"));
        Assert.False(json.TryGetProperty("shadow", out _));
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("shadows")]
    [InlineData("")]
    public async Task UnknownInclude_Is400_NamingIt(string include)
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var http = fixture.Client(owner);

        var (status, json) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}?include={include}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", json.Text("error"));
        Assert.Contains("'include'", json.Text("error_description"), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Object, json.ValueKind);
    }
}
