using System.Globalization;
using System.Text.Json;
using static Facade.McpAdapter.Tests.Devices.DeviceToolsFixture;

namespace Facade.McpAdapter.Tests.Devices;

/// <summary>
/// The read tools of the shipped catalog (list_devices, get_device, get_fleet_status, read_sensor, get_history,
/// list_alerts) against a real device edge whose devices publish real telemetry over MQTT: what an assistant needs to
/// answer "which sensors are over 30 °C?". Someone else's device stays invisible (404 not_found), and bad arguments
/// are explained, whether the adapter or the device edge finds them.
/// </summary>
public sealed class DeviceReadToolsTests(DeviceToolsFixture fixture) : IClassFixture<DeviceToolsFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListDevices_ShowsTheUsersDevicesWithTheirLatestReadings_SoHotSensorsCanBeFound()
    {
        var owner = NewUser();
        var greenhouse = await fixture.ProvisionAsync(owner, "Greenhouse controller", "controller", "site:greenhouse");
        var cellar = await fixture.ProvisionAsync(owner, "Cellar", "thermometer");
        var foreign = await fixture.ProvisionAsync(NewUser(), "Someone else's oven", "thermometer");
        using (var device = await fixture.ConnectDeviceAsync(greenhouse))
        {
            await PublishAsync(device, """{"temperature":31.5,"humidity":70,"relay_1":0}""");
        }

        using (var device = await fixture.ConnectDeviceAsync(cellar))
        {
            await PublishAsync(device, """{"temperature":12.25}""");
        }

        using (var device = await fixture.ConnectDeviceAsync(foreign))
        {
            await PublishAsync(device, """{"temperature":220}""");
        }

        await using var client = await fixture.ConnectAsync(owner, "devices:read telemetry:read");
        var result = await client.CallToolAsync("list_devices", new Dictionary<string, object?>(), cancellationToken: Ct);

        var devices = Answer(result).GetProperty("devices").EnumerateArray().ToList();
        Assert.Equal(new[] { greenhouse.Id, cellar.Id }.Order(StringComparer.Ordinal), devices.Select(d => d.GetProperty("id").GetString()).Order(StringComparer.Ordinal));
        var overThirty = devices
            .Where(d => d.GetProperty("latest").TryGetProperty("temperature", out var t) && t.GetProperty("value").GetDouble() > 30)
            .Select(d => d.GetProperty("name").GetString());
        Assert.Equal(["Greenhouse controller"], overThirty);
        var latest = devices.Single(d => d.GetProperty("id").GetString() == greenhouse.Id).GetProperty("latest");
        Assert.Equal("°C", latest.GetProperty("temperature").GetProperty("unit").GetString());
        Assert.Equal(70, latest.GetProperty("humidity").GetProperty("value").GetDouble());
        Assert.Equal(JsonValueKind.Null, latest.GetProperty("relay_1").GetProperty("unit").ValueKind);
        Assert.Contains("°C", Text(result), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Object, result.StructuredContent!.Value.ValueKind);
    }

    [Fact]
    public async Task GetDevice_ReturnsFirmwareTagsAccessAndConnection()
    {
        var owner = NewUser();
        var greenhouse = await fixture.ProvisionAsync(owner, "Greenhouse controller", "controller", "site:greenhouse");
        using var device = await fixture.ConnectDeviceAsync(greenhouse);
        await using var client = await fixture.ConnectAsync(owner, "devices:read");

        var json = Answer(await client.CallToolAsync("get_device", new Dictionary<string, object?> { ["device_id"] = greenhouse.Id }, cancellationToken: Ct));

        Assert.Equal(greenhouse.Id, json.GetProperty("id").GetString());
        Assert.Equal("1.4.2", json.GetProperty("firmwareVersion").GetString());
        Assert.Equal(["site:greenhouse"], json.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("owner", json.GetProperty("access").GetString());
        Assert.True(json.GetProperty("status").GetProperty("online").GetBoolean());
    }

    [Fact]
    public async Task GetFleetStatus_CountsTheUsersDevicesAndThoseOnline()
    {
        var owner = NewUser();
        var online = await fixture.ProvisionAsync(owner, "Online");
        await fixture.ProvisionAsync(owner, "Never connected");
        await fixture.ProvisionAsync(NewUser(), "Someone else's");
        using var device = await fixture.ConnectDeviceAsync(online);
        await using var client = await fixture.ConnectAsync(owner, "devices:read");

        var result = await client.CallToolAsync("get_fleet_status", new Dictionary<string, object?>(), cancellationToken: Ct);

        var json = Answer(result);
        Assert.Equal((2, 1, 0), (json.GetProperty("total").GetInt32(), json.GetProperty("online").GetInt32(), json.GetProperty("withActiveAlerts").GetInt32()));
        Assert.Equal(2, result.StructuredContent!.Value.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ReadSensor_ReturnsValueUnitAndTime_AndSaysWhenThereIsNoReading()
    {
        var owner = NewUser();
        var sensor = await fixture.ProvisionAsync(owner, "Hall");
        var measuredAt = DateTimeOffset.UtcNow.AddMinutes(-3);
        using (var device = await fixture.ConnectDeviceAsync(sensor))
        {
            await PublishAsync(device, """{"temperature":21.5}""", measuredAt);
        }

        await using var client = await fixture.ConnectAsync(owner, "telemetry:read");
        var result = await client.CallToolAsync("read_sensor", new Dictionary<string, object?> { ["device_id"] = sensor.Id, ["sensor_key"] = "temperature" }, cancellationToken: Ct);
        var missing = await client.CallToolAsync("read_sensor", new Dictionary<string, object?> { ["device_id"] = sensor.Id, ["sensor_key"] = "co2" }, cancellationToken: Ct);

        var json = Answer(result);
        Assert.Equal((21.5, "°C", "temperature"), (json.GetProperty("value").GetDouble(), json.GetProperty("unit").GetString(), json.GetProperty("key").GetString()));
        Assert.Equal(measuredAt.ToUnixTimeMilliseconds(), json.GetProperty("ts").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal(21.5, result.StructuredContent!.Value.GetProperty("value").GetDouble());
        Assert.True(missing.IsError);
        Assert.Equal("Not found (HTTP 404): The device has no 'co2' reading.", Text(missing));
    }

    [Fact]
    public async Task GetHistory_ReturnsRawPointsAndMinuteBuckets_OverTheRangeAsked()
    {
        var owner = NewUser();
        var sensor = await fixture.ProvisionAsync(owner, "Greenhouse");
        var minute = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds() / 60_000 * 60_000);
        using (var device = await fixture.ConnectDeviceAsync(sensor))
        {
            await PublishAsync(device, """{"temperature":20}""", minute.AddSeconds(5));
            await PublishAsync(device, """{"temperature":22}""", minute.AddSeconds(35));
            await PublishAsync(device, """{"temperature":30}""", minute.AddSeconds(70));
        }

        await using var client = await fixture.ConnectAsync(owner, "telemetry:read");
        var range = new Dictionary<string, object?>
        {
            ["device_id"] = sensor.Id,
            ["sensor_key"] = "temperature",
            ["from"] = Iso(minute),
            ["to"] = Iso(minute.AddMinutes(2)),
        };
        var raw = Answer(await client.CallToolAsync("get_history", range, cancellationToken: Ct));
        var buckets = Answer(await client.CallToolAsync("get_history", new Dictionary<string, object?>(range) { ["resolution"] = "1m" }, cancellationToken: Ct));

        Assert.Equal(("raw", "°C"), (raw.GetProperty("resolution").GetString(), raw.GetProperty("unit").GetString()));
        Assert.Equal([20.0, 22.0, 30.0], raw.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("value").GetDouble()));
        Assert.Equal("1m", buckets.GetProperty("resolution").GetString());
        var perMinute = buckets.GetProperty("points").EnumerateArray()
            .Select(p => (p.GetProperty("min").GetDouble(), p.GetProperty("avg").GetDouble(), p.GetProperty("max").GetDouble(), p.GetProperty("count").GetInt32()));
        Assert.Equal([(20.0, 21.0, 22.0, 2), (30.0, 30.0, 30.0, 1)], perMinute);
    }

    [Fact]
    public async Task ListAlerts_ShowsTheUsersRules_AndTheAlertARealReadingFired()
    {
        var owner = NewUser();
        var sensor = await fixture.ProvisionAsync(owner, "Greenhouse");
        const string rule = """{"name":"Greenhouse too hot","metric":"temperature","operator":">","threshold":30,"channel":{"type":"mqtt","topic":"alerts/greenhouse"}}""";
        using (var created = await fixture.RestAsync(owner, HttpMethod.Post, "alerts/rules", rule))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        }

        using (var device = await fixture.ConnectDeviceAsync(sensor))
        {
            await PublishAsync(device, """{"temperature":34.5}""");
        }

        await using var client = await fixture.ConnectAsync(owner, "rules:read");

        // Rules are evaluated after the reading is stored, off the ingest path: poll the tool until the alert shows.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement overview;
        while (true)
        {
            overview = Answer(await client.CallToolAsync("list_alerts", new Dictionary<string, object?>(), cancellationToken: Ct));
            if (overview.GetProperty("alerts").GetArrayLength() > 0 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(50, Ct);
        }

        Assert.Equal("Greenhouse too hot", Assert.Single(overview.GetProperty("rules").EnumerateArray()).GetProperty("name").GetString());
        var alert = Assert.Single(overview.GetProperty("alerts").EnumerateArray());
        Assert.Equal((sensor.Id, "firing", 34.5), (alert.GetProperty("deviceId").GetString(), alert.GetProperty("state").GetString(), alert.GetProperty("value").GetDouble()));
    }

    [Fact]
    public async Task AnotherUsersDevice_IsNotFound_ThroughEveryReadTool()
    {
        var stranger = NewUser();
        var foreign = await fixture.ProvisionAsync(NewUser(), "Not yours");
        using (var device = await fixture.ConnectDeviceAsync(foreign))
        {
            await PublishAsync(device, """{"temperature":25}""");
        }

        await using var client = await fixture.ConnectAsync(stranger);
        var calls = new (string Tool, Dictionary<string, object?> Arguments)[]
        {
            ("get_device", new() { ["device_id"] = foreign.Id }),
            ("read_sensor", new() { ["device_id"] = foreign.Id, ["sensor_key"] = "temperature" }),
            ("get_history", new() { ["device_id"] = foreign.Id, ["sensor_key"] = "temperature" }),
        };

        foreach (var (tool, arguments) in calls)
        {
            var result = await client.CallToolAsync(tool, arguments, cancellationToken: Ct);
            Assert.True(result.IsError, $"{tool}: {Text(result)}");
            Assert.Equal("Not found (HTTP 404): No device with this id.", Text(result));
        }

        var listed = Answer(await client.CallToolAsync("list_devices", new Dictionary<string, object?>(), cancellationToken: Ct));
        Assert.Empty(listed.GetProperty("devices").EnumerateArray());
    }

    [Theory]
    [InlineData("get_device", """{}""", "Invalid arguments: 'device_id' is required")]
    [InlineData("get_device", """{"device_id":"../alerts"}""", "Invalid arguments: 'device_id' must match the pattern")]
    [InlineData("read_sensor", """{"device_id":"dev-1","sensor_key":"Temperature!"}""", "Invalid arguments: 'sensor_key' must match the pattern")]
    [InlineData("get_history", """{"device_id":"dev-1","sensor_key":"temperature","resolution":"5m"}""", "Invalid arguments: 'resolution' must be one of: raw, 1m, 1h, 1d")]
    [InlineData("get_history", """{"device_id":"dev-1","sensor_key":"temperature","from":"yesterday"}""", "Invalid arguments: 'from' must be a valid date-time")]
    [InlineData("get_history", """{"device_id":"dev-1","sensor_key":"temperature","colour":"red"}""", "Invalid arguments: 'colour' is not a known argument")]
    public async Task BadArguments_AreRefusedByTheAdapter_WithTheArgumentNamed(string tool, string arguments, string expected)
    {
        await using var client = await fixture.ConnectAsync(NewUser());

        var result = await client.CallToolAsync(tool, JsonSerializer.Deserialize<Dictionary<string, object?>>(arguments), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.StartsWith(expected, Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ArgumentsTheDeviceEdgeRefuses_ComeBackWithItsErrorDescription()
    {
        var owner = NewUser();
        var sensor = await fixture.ProvisionAsync(owner, "Hall");
        await using var client = await fixture.ConnectAsync(owner);

        var result = await client.CallToolAsync("get_history", new Dictionary<string, object?>
        {
            ["device_id"] = sensor.Id,
            ["sensor_key"] = "temperature",
            ["from"] = "2026-01-02T00:00:00Z",
            ["to"] = "2026-01-01T00:00:00Z",
        }, cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Equal("The devices backend rejected the request (HTTP 400): 'from' must be before 'to'.", Text(result));
    }

    private static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
