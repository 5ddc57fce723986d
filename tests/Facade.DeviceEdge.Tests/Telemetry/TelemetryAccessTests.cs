using System.Net;
using System.Text.Json;
using static Facade.DeviceEdge.Tests.Telemetry.TelemetryKit;

namespace Facade.DeviceEdge.Tests.Telemetry;

/// <summary>
/// Who reads telemetry: the owner and every share (read is enough), with <c>telemetry:read</c>; another user's device
/// does not exist (404), a token without the scope is 403 <c>insufficient_scope</c>; every bad parameter is a 400
/// JSON error naming it. <c>GET /devices?include=latest</c> adds each device's latest readings.
/// </summary>
public sealed class TelemetryAccessTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    public static TheoryData<string> Endpoints => new()
    {
        "devices/{id}/telemetry/latest",
        "devices/{id}/telemetry/temperature/latest",
        "devices/{id}/telemetry/temperature",
        "devices/{id}/telemetry/temperature?resolution=1h",
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task AnotherUsersDevice_Is404_AShareReads(string path)
    {
        var (device, owner) = await WithReadingAsync();
        var reader = DeviceEdgeFixture.NewUser();
        using (var ownerClient = fixture.Client(owner))
        {
            await ownerClient.SendJsonAsync(HttpMethod.Put, $"devices/{device}/shares/{reader}", """{"access":"read"}""");
        }

        using var stranger = fixture.Client(DeviceEdgeFixture.NewUser(), TelemetryKit.Read);
        using var shared = fixture.Client(reader, "telemetry:read");
        var (strangerStatus, strangerJson) = await stranger.SendJsonAsync(HttpMethod.Get, path.Replace("{id}", device, StringComparison.Ordinal));
        var (sharedStatus, _) = await shared.SendJsonAsync(HttpMethod.Get, path.Replace("{id}", device, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.NotFound, strangerStatus);
        Assert.Equal("not_found", strangerJson.Text("error"));
        Assert.Equal(HttpStatusCode.OK, sharedStatus);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task WithoutTelemetryRead_Is403InsufficientScope(string path)
    {
        var (device, owner) = await WithReadingAsync();
        using var client = fixture.Client(owner, "devices:read devices:write");

        using var response = await client.GetAsync(path.Replace("{id}", device, StringComparison.Ordinal), TestContext.Current.CancellationToken);
        var json = await JsonHttp.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("insufficient_scope", json.Text("error"));
        Assert.Equal("telemetry:read", json.Text("scope"));
        Assert.Contains("insufficient_scope", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoReadingForAKey_Is404()
    {
        var (device, owner) = await WithReadingAsync();
        using var client = fixture.Client(owner, TelemetryKit.Read);

        var (status, json) = await client.SendJsonAsync(HttpMethod.Get, $"devices/{device}/telemetry/co2/latest");
        var (historyStatus, history) = await client.SendJsonAsync(HttpMethod.Get, $"devices/{device}/telemetry/co2");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not_found", json.Text("error"));
        Assert.Equal(HttpStatusCode.OK, historyStatus);
        Assert.Equal(0, history.GetProperty("points").GetArrayLength());
        Assert.Equal("ppm", history.Text("unit"));
    }

    [Theory]
    [InlineData("devices/{id}/telemetry/Temperature", "key")]
    [InlineData("devices/{id}/telemetry/a-b/latest", "key")]
    [InlineData("devices/{id}/telemetry/temperature?resolution=5m", "'resolution'")]
    [InlineData("devices/{id}/telemetry/temperature?from=yesterday", "'from'")]
    [InlineData("devices/{id}/telemetry/temperature?from=2026-01-01", "'from'")]
    [InlineData("devices/{id}/telemetry/temperature?to=0001-01-01T00:00:00Z", "'to'")]
    [InlineData("devices/{id}/telemetry/temperature?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "'from'")]
    [InlineData("devices/{id}/telemetry/temperature?limit=0", "'limit'")]
    [InlineData("devices/{id}/telemetry/temperature?limit=10001", "'limit'")]
    [InlineData("devices/{id}/telemetry/temperature?limit=ten", "'limit'")]
    [InlineData("devices/{id}/telemetry/temperature?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&resolution=1m", "buckets")]
    [InlineData("devices?include=everything", "'include'")]
    public async Task BadParameters_Are400Json(string path, string named)
    {
        var (device, owner) = await WithReadingAsync();
        using var client = fixture.Client(owner, TelemetryKit.Read);

        var (status, json) = await client.SendJsonAsync(HttpMethod.Get, path.Replace("{id}", device, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", json.Text("error"));
        Assert.Contains(named, json.Text("error_description"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeviceList_IncludeLatest_AddsEachDevicesReadings()
    {
        var (device, owner) = await WithReadingAsync();
        var quiet = await fixture.ProvisionAsync(owner);
        using var client = fixture.Client(owner, TelemetryKit.Read);

        var (status, json) = await client.SendJsonAsync(HttpMethod.Get, "devices?include=latest");
        var (_, plain) = await client.SendJsonAsync(HttpMethod.Get, "devices");

        Assert.Equal(HttpStatusCode.OK, status);
        var devices = json.GetProperty("devices").EnumerateArray().ToDictionary(d => d.Text("id")!);
        var reading = devices[device].GetProperty("latest").GetProperty("temperature");
        Assert.Equal(21.5, reading.GetProperty("value").GetDouble());
        Assert.Equal("°C", reading.Text("unit"));
        Assert.Equal(JsonValueKind.Object, devices[quiet.Id].GetProperty("latest").ValueKind);
        Assert.Empty(devices[quiet.Id].GetProperty("latest").EnumerateObject());
        Assert.All(plain.GetProperty("devices").EnumerateArray(), d => Assert.False(d.TryGetProperty("latest", out _)));
    }

    [Fact]
    public async Task DeviceList_IncludeLatest_NeedsTelemetryRead()
    {
        var (_, owner) = await WithReadingAsync();
        using var client = fixture.Client(owner, "devices:read");

        var (status, json) = await client.SendJsonAsync(HttpMethod.Get, "devices?include=latest");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("insufficient_scope", json.Text("error"));
        Assert.Equal("telemetry:read", json.Text("scope"));
    }

    private async Task<(string Device, string Owner)> WithReadingAsync()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var client = await fixture.ConnectAsync(device);
        await client.StoreAsync(Payload(RecentMinute(), ("temperature", 21.5)));
        return (device.Id, owner);
    }
}
