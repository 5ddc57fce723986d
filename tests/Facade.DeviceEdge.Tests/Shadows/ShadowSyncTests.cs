using System.Net;
using System.Text.Json;
using Facade.DeviceEdge.Broker;
using Facade.Testing;

namespace Facade.DeviceEdge.Tests.Shadows;

/// <summary>
/// The desired state reaches the device (retained, QoS 1), the device's report is stored, and the shadow says what
/// still differs; a device that was offline, or a broker that restarted and lost its retained messages, is brought
/// back in sync when the device connects.
/// </summary>
public sealed class ShadowSyncTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task Patch_ReachesTheDevice_WhichReports_AndTheShadowIsInSync()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var client = await fixture.ConnectAsync(device);
        await client.SubscribeAsync($"devices/{device.Id}/shadow/desired", TestContext.Current.CancellationToken);
        using var http = fixture.Client(owner);

        var (status, patched) = await http.SendJsonAsync(HttpMethod.Patch, $"devices/{device.Id}/shadow/desired",
            """{"reportingIntervalSeconds":60,"thresholds":{"temperature":30},"tags":["lab"],"mode":"eco"}""", "application/merge-patch+json");
        var desired = await client.ReceiveDesiredAsync(version: 1);
        await client.PublishAsync($"devices/{device.Id}/shadow/reported",
            """{"version":1,"state":{"reportingIntervalSeconds":60,"thresholds":{"temperature":30.0},"tags":["lab"],"mode":"eco","firmware":"1.2"}}""",
            cancellationToken: TestContext.Current.CancellationToken);
        var shadow = await ShadowAsync(http, device.Id);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, patched.GetProperty("desiredVersion").GetInt64());
        Assert.False(patched.GetProperty("inSync").GetBoolean());
        Assert.Equal(4, patched.GetProperty("delta").EnumerateObject().Count());
        Assert.Equal("""{"reportingIntervalSeconds":60,"thresholds":{"temperature":30},"tags":["lab"],"mode":"eco"}""",
            JsonDocument.Parse(desired.Payload).RootElement.GetProperty("state").GetRawText());
        Assert.Empty(shadow.GetProperty("delta").EnumerateObject());
        Assert.True(shadow.GetProperty("inSync").GetBoolean());
        Assert.Equal(1, shadow.GetProperty("reportedVersion").GetInt64());
        Assert.Equal("1.2", shadow.GetProperty("reported").Text("firmware"));
        Assert.NotEqual(JsonValueKind.Null, shadow.GetProperty("reportedAt").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, shadow.GetProperty("desiredAt").ValueKind);
    }

    [Fact]
    public async Task ReportThatDiffers_ShowsTheDelta()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var http = fixture.Client(owner);
        await http.SendJsonAsync(HttpMethod.Patch, $"devices/{device.Id}/shadow/desired", """{"reportingIntervalSeconds":60,"tags":["a"]}""");
        using var client = await fixture.ConnectAsync(device);

        await client.PublishAsync($"devices/{device.Id}/shadow/reported", """{"version":1,"state":{"reportingIntervalSeconds":120,"tags":["a"]}}""",
            cancellationToken: TestContext.Current.CancellationToken);
        var shadow = await ShadowAsync(http, device.Id);

        Assert.Equal("""{"reportingIntervalSeconds":60}""", shadow.GetProperty("delta").GetRawText());
        Assert.False(shadow.GetProperty("inSync").GetBoolean());
    }

    [Fact]
    public async Task ChangesWhileOffline_ReachTheDevice_WhenItReconnects()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var http = fixture.Client(owner);
        using (var first = await fixture.ConnectAsync(device))
        {
            await first.SubscribeAsync($"devices/{device.Id}/shadow/desired", TestContext.Current.CancellationToken);
            await http.SendJsonAsync(HttpMethod.Patch, $"devices/{device.Id}/shadow/desired", """{"reportingIntervalSeconds":10}""");
            await first.ReceiveDesiredAsync(version: 1);
            await first.DisconnectAsync(TestContext.Current.CancellationToken);
            await fixture.Events.StatusAsync(device.Id, online: false);
        }

        await http.SendJsonAsync(HttpMethod.Patch, $"devices/{device.Id}/shadow/desired", """{"reportingIntervalSeconds":20}""");
        using var again = await fixture.ConnectAsync(device);
        await again.SubscribeAsync($"devices/{device.Id}/shadow/desired", TestContext.Current.CancellationToken);
        var desired = await again.ReceiveDesiredAsync(version: 2);

        Assert.Equal(20, JsonDocument.Parse(desired.Payload).RootElement.GetProperty("state").GetProperty("reportingIntervalSeconds").GetInt32());
    }

    [Fact]
    public async Task AfterARestart_TheDeviceGetsItsDesiredStateAgain()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var first = fixture.StartHost(events: new DeviceEvents());
        first.KeepData = true;
        var device = await fixture.ProvisionAsync(owner, host: first);
        using (var http = fixture.Client(owner, host: first))
        {
            await http.SendJsonAsync(HttpMethod.Patch, $"devices/{device.Id}/shadow/desired", """{"thresholds":{"co2":1000}}""");
        }

        await first.DisposeAsync(); // the embedded broker's retained messages are gone with it
        await using var second = fixture.StartHost(dataDirectory: first.DataDirectory, events: new DeviceEvents());
        using var client = await fixture.ConnectAsync(device, host: second);
        await client.SubscribeAsync($"devices/{device.Id}/shadow/desired", TestContext.Current.CancellationToken);
        var desired = await client.ReceiveDesiredAsync(version: 1);

        Assert.Equal("""{"thresholds":{"co2":1000}}""", JsonDocument.Parse(desired.Payload).RootElement.GetProperty("state").GetRawText());
    }

    [Fact]
    public async Task DeletedDevice_LeavesNoDesiredStateToANewDeviceOfTheSameId()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var id = DeviceEdgeFixture.NewDeviceId();
        var old = await fixture.ProvisionAsync(owner, id);
        using (var http = fixture.Client(owner))
        using (var oldClient = await fixture.ConnectAsync(old))
        {
            await http.SendJsonAsync(HttpMethod.Patch, $"devices/{id}/shadow/desired", """{"tags":["secret-site"]}""");
            await oldClient.SubscribeAsync($"devices/{id}/shadow/desired", TestContext.Current.CancellationToken);
            await oldClient.ReceiveDesiredAsync(version: 1); // retained at the broker by now
            Assert.Equal(HttpStatusCode.NoContent, (await http.SendJsonAsync(HttpMethod.Delete, $"devices/{id}")).Status);
        }

        var reused = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser(), id);
        using var client = await fixture.ConnectAsync(reused);
        await client.SubscribeAsync($"devices/{id}/shadow/desired", TestContext.Current.CancellationToken);
        var first = await client.ReceiveAsync(m => m.Topic == $"devices/{id}/shadow/desired", TestContext.Current.CancellationToken);

        Assert.Equal("""{"version":0,"state":{}}""", first.Payload);
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("""{"state":{}}""", "'version' must be")]
    [InlineData("""{"version":-1,"state":{}}""", "'version' must be")]
    [InlineData("""{"version":1.5,"state":{}}""", "'version' must be")]
    [InlineData("""{"version":1,"state":[]}""", "'state' must be a JSON object")]
    public async Task UnreadableReport_IsIgnoredAndLogged(string payload, string problem)
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var client = await fixture.ConnectAsync(device);

        await client.PublishAsync($"devices/{device.Id}/shadow/reported", payload, cancellationToken: TestContext.Current.CancellationToken);
        await fixture.Events.MessageAsync(m => m.DeviceId == device.Id && m.Kind == DeviceTopicKind.ShadowReported);
        using var http = fixture.Client(owner);
        var shadow = await ShadowAsync(http, device.Id);

        Assert.Equal(JsonValueKind.Null, shadow.GetProperty("reportedAt").ValueKind);
        Assert.Contains(fixture.Host.Logs.Entries, e => e.Message.StartsWith($"Reported shadow of device {device.Id} ignored: {problem}", StringComparison.Ordinal));
    }

    private static async Task<JsonElement> ShadowAsync(HttpClient http, string deviceId)
    {
        var (status, json) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{deviceId}/shadow");
        Assert.True(status == HttpStatusCode.OK, $"{status}: {json}");
        return json;
    }
}

internal static class DesiredMessages
{
    /// <summary>The desired state with <paramref name="version"/> as the device receives it (earlier ones are dropped).</summary>
    public static Task<ReceivedMessage> ReceiveDesiredAsync(this TestDevice device, long version) =>
        device.ReceiveAsync(m => m.Topic == $"devices/{device.DeviceId}/shadow/desired"
            && JsonDocument.Parse(m.Payload).RootElement.GetProperty("version").GetInt64() == version, TestContext.Current.CancellationToken);
}
