using System.Net;

namespace Facade.DeviceEdge.Tests.Commands;

/// <summary>
/// Who may send and read commands and shadows: another user's device is 404 everywhere, a read share reads but cannot
/// command or configure (403 <c>forbidden</c>), a control share can; and each endpoint needs its scope.
/// </summary>
public sealed class CommandAccessTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    private const string Everything = "devices:read devices:write commands:write";

    public static TheoryData<string, string, string?> EveryEndpoint => new()
    {
        { "POST", "devices/{id}/commands", Commanding.Reboot },
        { "GET", "devices/{id}/commands", null },
        { "GET", "devices/{id}/commands/{cmd}", null },
        { "GET", "devices/{id}/shadow", null },
        { "PATCH", "devices/{id}/shadow/desired", """{"tags":["stolen"]}""" },
    };

    [Theory]
    [MemberData(nameof(EveryEndpoint))]
    public async Task AnotherUsersDevice_Is404(string method, string path, string? body)
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var ownerHttp = fixture.Client(owner, Everything);
        var commandId = (await ownerHttp.SendCommandAsync(device.Id)).Text("id")!;
        using var stranger = fixture.Client(DeviceEdgeFixture.NewUser(), Everything);

        var (status, json) = await stranger.SendJsonAsync(new HttpMethod(method), path.Replace("{id}", device.Id).Replace("{cmd}", commandId), body);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not_found", json.Text("error"));
        var (_, commands) = await ownerHttp.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}/commands");
        Assert.Equal(1, commands.GetProperty("commands").GetArrayLength());
        var (_, shadow) = await ownerHttp.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}/shadow");
        Assert.Equal(0, shadow.GetProperty("desiredVersion").GetInt64());
    }

    [Fact]
    public async Task ReadShare_SeesCommandsAndShadow_ButCannotCommandOrConfigure()
    {
        var (device, owner, reader) = await SharedAsync("read");
        using var ownerHttp = fixture.Client(owner, Everything);
        var commandId = (await ownerHttp.SendCommandAsync(device)).Text("id")!;
        using var http = fixture.Client(reader, Everything);

        var (send, sendJson) = await http.SendJsonAsync(HttpMethod.Post, $"devices/{device}/commands", Commanding.Reboot);
        var (patch, patchJson) = await http.SendJsonAsync(HttpMethod.Patch, $"devices/{device}/shadow/desired", """{"tags":["mine"]}""");
        var (list, listJson) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{device}/commands");
        var (one, _) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{device}/commands/{commandId}");
        var (shadow, _) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{device}/shadow");

        Assert.Equal(HttpStatusCode.Forbidden, send);
        Assert.Equal("forbidden", sendJson.Text("error"));
        Assert.Equal(HttpStatusCode.Forbidden, patch);
        Assert.Equal("forbidden", patchJson.Text("error"));
        Assert.Equal(HttpStatusCode.OK, list);
        Assert.Equal(1, listJson.GetProperty("commands").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, one);
        Assert.Equal(HttpStatusCode.OK, shadow);
    }

    [Fact]
    public async Task ControlShare_CommandsAndConfigures_AsItself()
    {
        var (device, _, controller) = await SharedAsync("control");
        using var http = fixture.Client(controller, Everything);

        var sent = await http.SendCommandAsync(device);
        var (patch, shadow) = await http.SendJsonAsync(HttpMethod.Patch, $"devices/{device}/shadow/desired", """{"tags":["ok"]}""");

        Assert.Equal(controller, sent.GetProperty("requestedBy").Text("subject"));
        Assert.Equal(HttpStatusCode.OK, patch);
        Assert.Equal(1, shadow.GetProperty("desiredVersion").GetInt64());
    }

    [Theory]
    [InlineData("POST", "devices/{id}/commands", "devices:read devices:write", "commands:write")]
    [InlineData("GET", "devices/{id}/commands", "commands:write", "devices:read")]
    [InlineData("GET", "devices/{id}/commands/{cmd}", "commands:write", "devices:read")]
    [InlineData("GET", "devices/audit/commands", "commands:write devices:write", "devices:read")]
    [InlineData("GET", "devices/{id}/shadow", "devices:write commands:write", "devices:read")]
    [InlineData("PATCH", "devices/{id}/shadow/desired", "devices:read commands:write", "devices:write")]
    public async Task EachEndpoint_NeedsItsScope(string method, string path, string granted, string needed)
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var ownerHttp = fixture.Client(owner, Everything);
        var commandId = (await ownerHttp.SendCommandAsync(device.Id)).Text("id")!;
        using var http = fixture.Client(owner, granted);
        var body = method switch { "POST" => Commanding.Reboot, "PATCH" => """{"tags":["x"]}""", _ => null };

        var (status, json) = await http.SendJsonAsync(new HttpMethod(method), path.Replace("{id}", device.Id).Replace("{cmd}", commandId), body);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("insufficient_scope", json.Text("error"));
        Assert.Equal(needed, json.Text("scope"));
    }

    [Fact]
    public async Task CommandsWriteAlone_IsEnoughToSendACommand()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var http = fixture.Client(owner, "commands:write");

        var (status, json) = await http.SendJsonAsync(HttpMethod.Post, $"devices/{device.Id}/commands", Commanding.Reboot);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("pending", json.Text("status"));
    }

    private async Task<(string Device, string Owner, string Other)> SharedAsync(string access)
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        var other = DeviceEdgeFixture.NewUser();
        using var ownerHttp = fixture.Client(owner);
        var (status, _) = await ownerHttp.SendJsonAsync(HttpMethod.Put, $"devices/{device.Id}/shares/{other}", $$"""{"access":"{{access}}"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        return (device.Id, owner, other);
    }
}
