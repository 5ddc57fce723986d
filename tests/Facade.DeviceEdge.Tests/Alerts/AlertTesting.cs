using System.Net;
using System.Text.Json;
using Facade.DeviceEdge.Telemetry;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.DeviceEdge.Tests.Alerts;

/// <summary>Rule bodies, telemetry fed to the registered observers, and the alert views, as the alert tests need them.</summary>
internal static class AlertTesting
{
    public const string RulesReadWrite = "rules:read rules:write devices:read devices:write";

    public const string MqttChannel = """{"type":"mqtt","topic":"alerts/test"}""";

    public static string Rule(string selector = "{}", string metric = "temperature", string op = ">", double threshold = 30, double hysteresis = 1,
        string channel = MqttChannel, string name = "Too hot", bool enabled = true) =>
        $$"""
        {"name":"{{name}}","selector":{{selector}},"metric":"{{metric}}","operator":"{{op}}","threshold":{{Json(threshold)}},"hysteresis":{{Json(hysteresis)}},"channel":{{channel}},"enabled":{{(enabled ? "true" : "false")}}}
        """;

    public static string Webhook(Uri url) => $$"""{"type":"webhook","url":"{{url.AbsoluteUri}}"}""";

    /// <summary>Creates a rule over REST; returns the created rule (201 asserted).</summary>
    public static async Task<JsonElement> CreateRuleAsync(HttpClient client, string body)
    {
        var (status, json) = await client.SendJsonAsync(HttpMethod.Post, "alerts/rules", body);
        Assert.True(status == HttpStatusCode.Created, $"{status}: {json}");
        return json;
    }

    /// <summary>Tells every <see cref="ITelemetryObserver"/> of the host that a reading was stored, as the telemetry ingest does.</summary>
    public static async Task FeedAsync(DeviceEdgeHost host, string deviceId, string metric, double value)
    {
        var reading = new TelemetryReading(deviceId, DateTimeOffset.UtcNow, new Dictionary<string, double> { [metric] = value });
        foreach (var observer in host.Services.GetServices<ITelemetryObserver>())
        {
            await observer.OnStoredAsync([reading], TestContext.Current.CancellationToken);
        }
    }

    public static async Task<JsonElement> OverviewAsync(HttpClient client)
    {
        var (status, json) = await client.SendJsonAsync(HttpMethod.Get, "alerts");
        Assert.True(status == HttpStatusCode.OK, $"{status}: {json}");
        return json;
    }

    /// <summary>The alerts of <c>GET /alerts</c> for one rule and device, newest first.</summary>
    public static async Task<List<JsonElement>> AlertsAsync(HttpClient client, string ruleId, string deviceId) =>
        (await OverviewAsync(client)).GetProperty("alerts").EnumerateArray()
            .Where(a => a.Text("ruleId") == ruleId && a.Text("deviceId") == deviceId)
            .ToList();

    /// <summary>Provisions a device of a given type and tags for <paramref name="owner"/>; returns its id and secret.</summary>
    public static async Task<Provisioned> ProvisionAsync(DeviceEdgeFixture fixture, DeviceEdgeHost host, string owner, string type = "sensor", params string[] tags)
    {
        using var client = fixture.Client(owner, host: host);
        var body = JsonSerializer.Serialize(new { id = DeviceEdgeFixture.NewDeviceId(), name = "Alerting device", type, tags });
        var (status, json) = await client.SendJsonAsync(HttpMethod.Post, "devices", body);
        Assert.True(status == HttpStatusCode.Created, $"{status}: {json}");
        return new Provisioned(json.GetProperty("id").GetString()!, json.GetProperty("secret").GetString()!, json);
    }

    public static async Task ShareAsync(DeviceEdgeFixture fixture, DeviceEdgeHost host, string owner, string deviceId, string userId, string? access)
    {
        using var client = fixture.Client(owner, host: host);
        var (status, json) = access is null
            ? await client.SendJsonAsync(HttpMethod.Delete, $"devices/{deviceId}/shares/{userId}")
            : await client.SendJsonAsync(HttpMethod.Put, $"devices/{deviceId}/shares/{userId}", $$"""{"access":"{{access}}"}""");
        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.NoContent, $"{status}: {json}");
    }

    /// <summary>Polls until <paramref name="condition"/> holds (30 s at most); for state only a database or a log shows.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for: {what}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    private static string Json(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
