using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Facade.DeviceEdge.Broker;

namespace Facade.DeviceSimulator.Tests.Control;

/// <summary>
/// The control endpoint takes a device offline (it says so and disconnects) for a while or until asked back, lists
/// the devices, and answers bad requests with the JSON error shape.
/// </summary>
public sealed class ControlEndpointTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task Offline_ForSomeSeconds_DisconnectsTheDevice_ThenItComesBack()
    {
        var fleet = await fixture.ProvisionAsync(["power-meter", "environment-sensor"]);
        await using var simulator = SimulatorHost.Start(fixture.Edge.MqttPort, fleet.CredentialsFile);
        await fixture.OnlineAsync(fleet[0].Id);
        using var control = simulator.CreateControlClient();
        var mark = fixture.Recorder.Mark();

        using var response = await control.PostAsync($"devices/{fleet[0].Id}/offline?seconds=1", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var view = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.True(view.GetProperty("heldOffline").GetBoolean());
        Assert.Equal(JsonValueKind.String, view.GetProperty("offlineUntil").ValueKind);
        var said = await fixture.Recorder.NextAsync(mark, fleet[0].Id, DeviceTopicKind.Status, m => m.Text().Contains("offline", StringComparison.Ordinal));
        await fixture.Recorder.StatusAsync(mark, fleet[0].Id, online: false);
        await fixture.Recorder.StatusAsync(fixture.Recorder.Mark(), fleet[0].Id, online: true);
        await fixture.OnlineAsync(fleet[0].Id, mark);
        Assert.True(said.Retain);
        Assert.DoesNotContain(fixture.Recorder.Messages(fleet[1].Id, DeviceTopicKind.Status).Skip(1), m => m.Text().Contains("offline", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Offline_WithoutSeconds_LastsUntilOnline()
    {
        var fleet = await fixture.ProvisionAsync(["greenhouse-controller"]);
        var id = fleet[0].Id;
        await using var simulator = SimulatorHost.Start(fixture.Edge.MqttPort, fleet.CredentialsFile);
        await fixture.OnlineAsync(id);
        using var control = simulator.CreateControlClient();
        var mark = fixture.Recorder.Mark();

        (await control.PostAsync($"devices/{id}/offline", null, TestContext.Current.CancellationToken)).Dispose();
        await fixture.Recorder.StatusAsync(mark, id, online: false);

        var held = await simulator.DeviceAsync(id);
        Assert.True(held.GetProperty("heldOffline").GetBoolean());
        Assert.Equal(JsonValueKind.Null, held.GetProperty("offlineUntil").ValueKind);
        var back = fixture.Recorder.Mark();
        using var online = await control.PostAsync($"devices/{id}/online", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, online.StatusCode);
        await fixture.OnlineAsync(id, back);
        Assert.False((await simulator.DeviceAsync(id)).GetProperty("heldOffline").GetBoolean());
    }

    [Fact]
    public async Task Devices_ListsEverySimulatedDevice()
    {
        var fleet = await fixture.ProvisionAsync(["greenhouse-controller", "power-meter"]);
        await using var simulator = SimulatorHost.Start(fixture.Edge.MqttPort, fleet.CredentialsFile);
        using var control = simulator.CreateControlClient();

        var devices = await control.GetFromJsonAsync<JsonElement>("devices", TestContext.Current.CancellationToken);

        Assert.Equal(fleet.Devices.Select(d => d.Id), devices.EnumerateArray().Select(d => d.GetProperty("id").GetString()!));
        Assert.Equal(["relay_1", "relay_2", "relay_3", "relay_4"], devices[0].GetProperty("relays").EnumerateObject().Select(r => r.Name));
        Assert.Equal("power-meter", devices[1].GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("devices/nope/offline", null, HttpStatusCode.NotFound, "not_found")]
    [InlineData("devices/nope/online", null, HttpStatusCode.NotFound, "not_found")]
    [InlineData("devices/{id}/offline?seconds=0", null, HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("devices/{id}/offline?seconds=abc", null, HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("devices/{id}/offline?seconds=86401", null, HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("devices/{id}/offline", "https://evil.example", HttpStatusCode.Forbidden, "forbidden")]
    public async Task BadRequests_GetTheJsonError(string path, string? origin, HttpStatusCode status, string error)
    {
        var fleet = await fixture.ProvisionAsync(["power-meter"]);
        await using var simulator = SimulatorHost.Start(fixture.Edge.MqttPort, fleet.CredentialsFile);
        using var control = simulator.CreateControlClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path.Replace("{id}", fleet[0].Id, StringComparison.Ordinal));
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        using var response = await control.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(status, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(error, json.GetProperty("error").GetString());
        Assert.False((await simulator.DeviceAsync(fleet[0].Id)).GetProperty("heldOffline").GetBoolean());
    }
}
