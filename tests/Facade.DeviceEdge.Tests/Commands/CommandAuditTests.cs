using System.Net;
using System.Text.Json;

namespace Facade.DeviceEdge.Tests.Commands;

/// <summary>
/// <c>GET /devices/audit/commands</c>: every command carries who sent it (subject and client); the audit covers exactly
/// the devices the caller can see, filtered by time, device and subject, newest first in pages.
/// </summary>
public sealed class CommandAuditTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task Audit_ShowsWhoSentWhat_OnTheDevicesTheCallerSees()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        var controller = DeviceEdgeFixture.NewUser();
        using (var sharing = fixture.Client(owner))
        {
            await sharing.SendJsonAsync(HttpMethod.Put, $"devices/{device.Id}/shares/{controller}", """{"access":"control"}""");
        }

        using var ownerHttp = fixture.Client(owner, Commanding.Scopes);
        var byOwner = (await ownerHttp.SendCommandAsync(device.Id, """{"name":"reboot"}""")).Text("id");
        using var controllerHttp = fixture.Host.CreateHttpClient(fixture.Issuer.Token(controller, Commanding.Scopes, t => t with { ClientId = "console" }));
        var byController = (await controllerHttp.SendCommandAsync(device.Id, """{"name":"set_relay","params":{"relay":2,"on":false}}""")).Text("id");
        var elsewhere = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser());
        using (var strangerHttp = fixture.Client(DeviceEdgeFixture.NewUser(), Commanding.Scopes))
        {
            await strangerHttp.SendJsonAsync(HttpMethod.Post, $"devices/{elsewhere.Id}/commands", Commanding.Reboot);
        }

        var ownerAudit = await AuditAsync(ownerHttp, "");
        var controllerAudit = await AuditAsync(controllerHttp, "");
        var bySubject = await AuditAsync(ownerHttp, $"?subject={controller}");

        Assert.Equal([byController, byOwner], ownerAudit.Select(c => c.Text("id")));
        Assert.Equal([byController, byOwner], controllerAudit.Select(c => c.Text("id")));
        var first = ownerAudit[0];
        Assert.Equal(device.Id, first.Text("deviceId"));
        Assert.Equal("set_relay", first.Text("name"));
        Assert.Equal(controller, first.GetProperty("requestedBy").Text("subject"));
        Assert.Equal("console", first.GetProperty("requestedBy").Text("clientId"));
        Assert.Equal(owner, ownerAudit[1].GetProperty("requestedBy").Text("subject"));
        Assert.Equal("test-client", ownerAudit[1].GetProperty("requestedBy").Text("clientId"));
        Assert.Equal([byController], bySubject.Select(c => c.Text("id")));
    }

    [Fact]
    public async Task Audit_FiltersByDeviceAndTime_AndPages()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var one = await fixture.ProvisionAsync(owner);
        var two = await fixture.ProvisionAsync(owner);
        using var http = fixture.Client(owner, Commanding.Scopes);
        var first = await http.SendCommandAsync(one.Id);
        var second = await http.SendCommandAsync(two.Id);
        var third = await http.SendCommandAsync(one.Id);
        var start = Uri.EscapeDataString(first.GetProperty("createdAt").GetDateTimeOffset().ToString("O"));
        var end = Uri.EscapeDataString(third.GetProperty("createdAt").GetDateTimeOffset().ToString("O"));

        var forOne = await AuditAsync(http, $"?deviceId={one.Id}");
        var nothingYet = await AuditAsync(http, $"?to={start}");
        var fromStart = await AuditAsync(http, $"?from={start}");
        var (_, page) = await http.SendJsonAsync(HttpMethod.Get, "devices/audit/commands?limit=2");
        var (_, rest) = await http.SendJsonAsync(HttpMethod.Get, $"devices/audit/commands?limit=2&after={page.Text("next")}");
        var beforeThird = await AuditAsync(http, $"?to={end}");

        Assert.Equal([third.Text("id"), first.Text("id")], forOne.Select(c => c.Text("id")));
        Assert.Empty(nothingYet);
        Assert.Equal(3, fromStart.Count);
        Assert.Equal([third.Text("id"), second.Text("id")], page.GetProperty("commands").EnumerateArray().Select(c => c.Text("id")));
        Assert.Equal([first.Text("id")], rest.GetProperty("commands").EnumerateArray().Select(c => c.Text("id")));
        Assert.Null(rest.Text("next"));
        Assert.DoesNotContain(third.Text("id"), beforeThird.Select(c => c.Text("id")));
    }

    [Fact]
    public async Task Audit_OfAnotherUsersDevice_IsEmpty()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using (var ownerHttp = fixture.Client(owner, Commanding.Scopes))
        {
            await ownerHttp.SendCommandAsync(device.Id);
        }

        using var stranger = fixture.Client(DeviceEdgeFixture.NewUser(), "devices:read");

        Assert.Empty(await AuditAsync(stranger, $"?deviceId={device.Id}"));
    }

    private static async Task<List<JsonElement>> AuditAsync(HttpClient http, string query)
    {
        var (status, json) = await http.SendJsonAsync(HttpMethod.Get, "devices/audit/commands" + query);
        Assert.True(status == HttpStatusCode.OK, $"{status}: {json}");
        return json.GetProperty("commands").EnumerateArray().ToList();
    }
}
