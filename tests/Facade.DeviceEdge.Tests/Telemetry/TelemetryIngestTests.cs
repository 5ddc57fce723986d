using System.Net;
using System.Text.Json;
using Facade.DeviceEdge.Telemetry;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;
using static Facade.DeviceEdge.Tests.Telemetry.TelemetryKit;

namespace Facade.DeviceEdge.Tests.Telemetry;

/// <summary>
/// Telemetry over real MQTT into the real SQLite store and back out of the REST API: what is acknowledged is
/// queryable, at every resolution with exact bucket math; redeliveries are stored once; bad data is refused without
/// closing the connection, counted and logged once per device per interval, never with its payload.
/// </summary>
public sealed class TelemetryIngestTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task Acknowledged_IsQueryable_AsLatestAndRaw()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var client = await fixture.ConnectAsync(device);
        var t0 = RecentMinute();

        await client.StoreAsync(Payload(t0, ("temperature", 21.5), ("humidity", 40)));
        await client.StoreAsync(Payload(t0 + 1_000, ("temperature", 22.25), ("relay_1", 1)));
        await client.StoreAsync($$$"""{"ts":"{{{At(t0 + 2_000):yyyy-MM-ddTHH:mm:ss.fffzzz}}}","metrics":{"temperature":23}}""");

        using var http = fixture.Client(owner, TelemetryKit.Read);
        var (status, latest) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}/telemetry/latest");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(device.Id, latest.Text("deviceId"));
        var readings = latest.GetProperty("readings");
        Assert.Equal(23, readings.GetProperty("temperature").GetProperty("value").GetDouble());
        Assert.Equal("°C", readings.GetProperty("temperature").Text("unit"));
        Assert.Equal(At(t0 + 2_000), readings.GetProperty("temperature").GetProperty("ts").GetDateTimeOffset());
        Assert.Equal("%", readings.GetProperty("humidity").Text("unit"));
        Assert.Equal(JsonValueKind.Null, readings.GetProperty("relay_1").GetProperty("unit").ValueKind);

        var (keyStatus, key) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}/telemetry/humidity/latest");
        Assert.Equal(HttpStatusCode.OK, keyStatus);
        Assert.Equal("humidity", key.Text("key"));
        Assert.Equal(40, key.GetProperty("value").GetDouble());
        Assert.Equal(At(t0), key.GetProperty("ts").GetDateTimeOffset());

        var (rawStatus, raw) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}/telemetry/temperature?from={Iso(t0)}&to={Iso(t0 + 60_000)}&resolution=raw");
        Assert.Equal(HttpStatusCode.OK, rawStatus);
        Assert.Equal("raw", raw.Text("resolution"));
        Assert.Equal("°C", raw.Text("unit"));
        Assert.Equal([new Point(t0, 21.5), new Point(t0 + 1_000, 22.25), new Point(t0 + 2_000, 23)], Points(raw));
        Assert.Equal(JsonValueKind.Null, raw.GetProperty("next").ValueKind);

        var (pageStatus, page) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}/telemetry/temperature?from={Iso(t0)}&to={Iso(t0 + 60_000)}&limit=2");
        Assert.Equal(HttpStatusCode.OK, pageStatus);
        Assert.Equal([new Point(t0, 21.5), new Point(t0 + 1_000, 22.25)], Points(page));
        Assert.Equal(At(t0 + 2_000), page.GetProperty("next").GetDateTimeOffset());
    }

    [Fact]
    public async Task Buckets_HaveExactMinAvgMaxCount_AtEveryResolution()
    {
        await using var host = fixture.StartHost(new Dictionary<string, string?> { ["DeviceEdge:Telemetry:MaxAge"] = "3.00:00:00" });
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner, host: host);
        using var client = await fixture.ConnectAsync(device, host: host);
        var day = Now() - Now() % 86_400_000 - 2 * 86_400_000L; // two UTC days ago, 00:00
        var t = day + 10 * 3_600_000L;                           // 10:00 that day

        foreach (var (at, value) in new[]
        {
            (t, 10.0), (t + 30_000, 20.0), (t + 59_999, 30.0), // minute 10:00 → 10 / 20 / 30, 3
            (t + 60_000, 5.0),                                 // minute 10:01
            (t + 3_600_000 + 5_000, 100.0),                    // 11:00
            (day + 86_400_000 + 1, 7.0),                       // the next day
        })
        {
            await client.StoreAsync(Payload(at, ("temperature", value)));
        }

        using var http = fixture.Client(owner, TelemetryKit.Read, host);
        var minutes = await BucketsAsync(http, device.Id, $"from={Iso(t + 10_000)}&to={Iso(t + 120_000)}&resolution=1m");
        Assert.Equal([new Bucket(t, 10, 20, 30, 3), new Bucket(t + 60_000, 5, 5, 5, 1)], minutes.Points);
        Assert.Equal(At(t), minutes.From); // rounded down to whole minutes

        var hours = await BucketsAsync(http, device.Id, $"from={Iso(t)}&to={Iso(t + 2 * 3_600_000)}&resolution=1h");
        Assert.Equal([new Bucket(t, 5, 16.25, 30, 4), new Bucket(t + 3_600_000, 100, 100, 100, 1)], hours.Points);

        var days = await BucketsAsync(http, device.Id, $"from={Iso(day)}&to={Iso(day + 2 * 86_400_000)}&resolution=1d");
        Assert.Equal([new Bucket(day, 5, 33, 100, 5), new Bucket(day + 86_400_000, 7, 7, 7, 1)], days.Points);

        var paged = await BucketsAsync(http, device.Id, $"from={Iso(t)}&to={Iso(t + 2 * 3_600_000)}&resolution=1m&limit=1");
        Assert.Single(paged.Points);
        Assert.Equal(At(t + 60_000), paged.Next);
    }

    [Fact]
    public async Task Redelivery_IsStoredOnce()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var client = await fixture.ConnectAsync(device);
        var stats = fixture.Host.Services.GetRequiredService<TelemetryStats>();
        var t0 = RecentMinute();
        var before = stats.Duplicates;

        await client.StoreAsync(Payload(t0, ("temperature", 21)));
        await client.StoreAsync(Payload(t0, ("temperature", 21)));
        await client.StoreAsync(Payload(t0, ("temperature", 99), ("humidity", 50))); // same ts: the first value stays

        using var http = fixture.Client(owner, TelemetryKit.Read);
        var (_, raw) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}/telemetry/temperature?from={Iso(t0)}&to={Iso(t0 + 1)}");
        Assert.Equal([new Point(t0, 21)], Points(raw));
        var minutes = await BucketsAsync(http, device.Id, $"from={Iso(t0)}&to={Iso(t0 + 60_000)}&resolution=1m");
        Assert.Equal([new Bucket(t0, 21, 21, 21, 1)], minutes.Points);
        Assert.True(stats.Duplicates - before >= 2);
    }

    public static TheoryData<string, string> InvalidPayloads => new()
    {
        { "not json", "MalformedJson" },
        { """{"ts":1,"metrics":{"temperature":NaN}}""", "MalformedJson" },
        { "[1,2]", "NotAnObject" },
        { """{"metrics":{"temperature":"21.5"}}""", "NotAFiniteNumber" },
        { """{"metrics":{"temperature":"NaN"}}""", "NotAFiniteNumber" },
        { """{"metrics":{"temperature":1e999}}""", "NotAFiniteNumber" },
        { """{"metrics":{"temperature":true}}""", "NotAFiniteNumber" },
        { """{"metrics":{"temperature":{"v":1}}}""", "NotAFiniteNumber" },
        { """{"metrics":{}}""", "NoMetrics" },
        { """{"ts":1}""", "NoMetrics" },
        { """{"metrics":{"Temperature":1}}""", "InvalidKey" },
        { """{"metrics":{"latest":1}}""", "InvalidKey" },
        { """{"metrics":{"a":1,"a":2}}""", "RepeatedKey" },
        { """{"metrics":{"a":1},"extra":1}""", "UnknownField" },
        { """{"ts":1,"ts":2,"metrics":{"a":1}}""", "RepeatedField" },
        { """{"ts":"yesterday","metrics":{"a":1}}""", "InvalidTimestamp" },
        { """{"ts":1000,"metrics":{"a":1}}""", "TimestampOutOfWindow" },
        { "{\"ts\":{past},\"metrics\":{\"a\":1}}", "TimestampOutOfWindow" },
        { "{\"ts\":{future},\"metrics\":{\"a\":1}}", "TimestampOutOfWindow" },
        { "{\"metrics\":{{many}}}", "TooManyMetrics" },
        { "{\"metrics\":{\"a\":1},\"pad\":\"{large}\"}", "TooLarge" },
    };

    [Theory]
    [MemberData(nameof(InvalidPayloads))]
    public async Task InvalidTelemetry_IsRefused_CountedAndLogged_TheConnectionStays(string template, string reason)
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var client = await fixture.ConnectAsync(device);
        var stats = fixture.Host.Services.GetRequiredService<TelemetryStats>();
        var refusal = Enum.Parse<TelemetryRefusal>(reason);
        var before = stats.Refused(refusal);
        var payload = Expand(template, device.Id);

        var result = await client.SendAsync(payload);

        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, result.ReasonCode);
        Assert.False(string.IsNullOrEmpty(result.ReasonString));
        Assert.True(client.IsConnected);
        Assert.True(stats.Refused(refusal) > before, result.ReasonString);
        Assert.Contains(fixture.Host.Logs.Entries, e => e.Message.StartsWith($"Telemetry refused from device {device.Id}: ", StringComparison.Ordinal));
        Assert.DoesNotContain(device.Id + "-secret-marker", fixture.Host.Logs.Text, StringComparison.Ordinal);
        await client.StoreAsync(Payload(RecentMinute(), ("temperature", 1))); // still usable
        using var http = fixture.Client(owner, TelemetryKit.Read);
        var (_, latest) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}/telemetry/latest");
        Assert.Equal(["temperature"], latest.GetProperty("readings").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task InvalidTelemetry_OverMqtt311_IsDropped_TheConnectionStays()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        var (client, connect) = await TestDevice.ConnectAsync(fixture.Host.MqttPort, device.Id, device.Secret, version: MqttProtocolVersion.V311,
            cancellationToken: TestContext.Current.CancellationToken);
        using var _ = client;
        Assert.Equal(MqttClientConnectResultCode.Success, connect.ResultCode);
        var stats = fixture.Host.Services.GetRequiredService<TelemetryStats>();
        var before = stats.Refused(TelemetryRefusal.NotAFiniteNumber);

        await client.SendAsync("""{"metrics":{"temperature":"hot"}}""");
        await client.StoreAsync(Payload(RecentMinute(), ("humidity", 45)));

        Assert.True(client.IsConnected);
        Assert.Equal(before + 1, stats.Refused(TelemetryRefusal.NotAFiniteNumber));
        using var http = fixture.Client(owner, TelemetryKit.Read);
        var (_, latest) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}/telemetry/latest");
        Assert.Equal(["humidity"], latest.GetProperty("readings").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Refusals_AreLoggedOncePerDevicePerInterval()
    {
        var device = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser());
        using var client = await fixture.ConnectAsync(device);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, (await client.SendAsync("""{"metrics":{"a":"x"}}""")).ReasonCode);
        }

        Assert.Single(fixture.Host.Logs.Entries, e => e.Message.StartsWith($"Telemetry refused from device {device.Id}: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TooManyKeysPerDevice_IsRefused()
    {
        await using var host = fixture.StartHost(new Dictionary<string, string?> { ["DeviceEdge:Telemetry:MaxKeysPerDevice"] = "2" });
        var device = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser(), host: host);
        using var client = await fixture.ConnectAsync(device, host: host);
        var t0 = RecentMinute();

        await client.StoreAsync(Payload(t0, ("a", 1), ("b", 2)));
        var third = await client.SendAsync(Payload(t0 + 1, ("b", 3), ("c", 3)));
        await client.StoreAsync(Payload(t0 + 2, ("a", 4)));

        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, third.ReasonCode);
        Assert.True(client.IsConnected);
        Assert.Equal(1, host.Services.GetRequiredService<TelemetryStats>().Refused(TelemetryRefusal.TooManyKeys));
    }

    private static string Expand(string template, string deviceId)
    {
        var now = Now();
        return template
            .Replace("{past}", (now - 25 * 3_600_000L).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{future}", (now + 10 * 60_000L).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{many}", string.Join(',', Enumerable.Range(0, 65).Select(i => $"\"m{i}\":{i}")), StringComparison.Ordinal)
            .Replace("{large}", deviceId + "-secret-marker" + new string('x', 17 * 1024), StringComparison.Ordinal);
    }

    internal static List<Point> Points(JsonElement history) =>
        history.GetProperty("points").EnumerateArray()
            .Select(p => new Point(p.GetProperty("ts").GetDateTimeOffset().ToUnixTimeMilliseconds(), p.GetProperty("value").GetDouble()))
            .ToList();

    internal static async Task<(List<Bucket> Points, DateTimeOffset From, DateTimeOffset? Next)> BucketsAsync(
        HttpClient http, string deviceId, string query, string key = "temperature")
    {
        var (status, json) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{deviceId}/telemetry/{key}?{query}");
        Assert.True(status == HttpStatusCode.OK, $"{status}: {json}");
        var points = json.GetProperty("points").EnumerateArray()
            .Select(p => new Bucket(p.GetProperty("ts").GetDateTimeOffset().ToUnixTimeMilliseconds(), p.GetProperty("min").GetDouble(),
                p.GetProperty("avg").GetDouble(), p.GetProperty("max").GetDouble(), p.GetProperty("count").GetInt64()))
            .ToList();
        var next = json.GetProperty("next").ValueKind == JsonValueKind.Null ? (DateTimeOffset?)null : json.GetProperty("next").GetDateTimeOffset();
        return (points, json.GetProperty("from").GetDateTimeOffset(), next);
    }
}

internal sealed record Point(long Ts, double Value);

internal sealed record Bucket(long Ts, double Min, double Avg, double Max, long Count);
