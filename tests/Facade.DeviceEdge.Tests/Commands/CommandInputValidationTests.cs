using System.Net;

namespace Facade.DeviceEdge.Tests.Commands;

/// <summary>Bad input to the command endpoints gets the documented status and a JSON error naming the problem.</summary>
public sealed class CommandInputValidationTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    public static TheoryData<string, string> BadBodies => new()
    {
        { "{}", "'name' is required" },
        { """{"name":""}""", "'name' is required" },
        { """{"name":null}""", "'name' is required" },
        { """{"name":"Reboot"}""", "'name' must match [a-z0-9_.-]{1,64}" },
        { """{"name":"re boot"}""", "'name' must match" },
        { """{"name":"a/b"}""", "'name' must match" },
        { "{\"name\":\"" + new string('a', 65) + "\"}", "'name' must match" },
        { """{"name":"reboot","params":[1]}""", "'params' must be a JSON object" },
        { """{"name":"reboot","params":"x"}""", "'params' must be a JSON object" },
        { """{"name":"reboot","timeoutSeconds":0}""", "'timeoutSeconds' must be a whole number from 1 to 300" },
        { """{"name":"reboot","timeoutSeconds":301}""", "'timeoutSeconds' must be" },
        { """{"name":"reboot","timeoutSeconds":1.5}""", "not valid at '$.timeoutSeconds'" },
        { """{"name":"reboot","timeoutSeconds":"30"}""", "not valid at '$.timeoutSeconds'" },
        { """{"name":"reboot","timeout":30}""", "not valid at" },
        { """{"name":"reboot","name":"twice"}""", "not valid at" },
        { """{"name":"reboot","params":{"a":1,"a":2}}""", "not valid at" },
        { """{"name":"reboot""", "not valid" },
        { "[]", "not valid" },
        { "null", "JSON object" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Send_BadBody_Returns400WithTheProblem(string body, string problem)
    {
        var (http, device) = await DeviceAsync();
        using (http)
        {
            var (status, json) = await http.SendJsonAsync(HttpMethod.Post, $"devices/{device}/commands", body);

            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("invalid_request", json.Text("error"));
            Assert.Contains(problem, json.Text("error_description"), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Send_NotJson_Returns415(string contentType)
    {
        var (http, device) = await DeviceAsync();
        using (http)
        {
            var (status, json) = await http.SendJsonAsync(HttpMethod.Post, $"devices/{device}/commands", Commanding.Reboot, contentType);

            Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
            Assert.Equal("unsupported_media_type", json.Text("error"));
        }
    }

    [Fact]
    public async Task Send_BodyOverTheLimit_Returns413()
    {
        var (http, device) = await DeviceAsync();
        using (http)
        {
            var (status, json) = await http.SendJsonAsync(HttpMethod.Post, $"devices/{device}/commands",
                $$$"""{"name":"reboot","params":{"blob":"{{{new string('x', 20_000)}}}"}}""");

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
            Assert.Equal("request_too_large", json.Text("error"));
        }
    }

    [Fact]
    public async Task Send_ParamsOverTheirLimit_Returns413NamingThem()
    {
        var (http, device) = await DeviceAsync();
        using (http)
        {
            var (status, json) = await http.SendJsonAsync(HttpMethod.Post, $"devices/{device}/commands",
                $$$"""{"name":"reboot","params":{"blob":"{{{new string('x', 9_000)}}}"}}""");

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
            Assert.Equal("request_too_large", json.Text("error"));
            Assert.Equal("'params' must be at most 8192 bytes.", json.Text("error_description"));
        }
    }

    [Theory]
    [InlineData("devices/{id}/commands?wait=yes", "POST", "'wait' must be 'true' or 'false'.")]
    [InlineData("devices/{id}/commands?limit=0", "GET", "'limit' must be a whole number from 1 to 500.")]
    [InlineData("devices/{id}/commands?limit=501", "GET", "'limit' must be")]
    [InlineData("devices/{id}/commands?limit=x", "GET", "'limit' must be")]
    [InlineData("devices/{id}/commands?after=cmd_nope", "GET", "'after' must be the id of a command of this listing")]
    [InlineData("devices/audit/commands?from=yesterday", "GET", "'from' and 'to' must be ISO 8601 times")]
    [InlineData("devices/audit/commands?to=2026-13-01T00:00:00Z", "GET", "'from' and 'to' must be ISO 8601 times")]
    [InlineData("devices/audit/commands?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "GET", "'from' must not be after 'to'.")]
    [InlineData("devices/audit/commands?deviceId=Not%20A%20Device", "GET", "'deviceId' must match")]
    [InlineData("devices/audit/commands?subject=a%20b", "GET", "'subject' must be a user id")]
    [InlineData("devices/audit/commands?limit=-1", "GET", "'limit' must be")]
    [InlineData("devices/audit/commands?after=cmd_nope", "GET", "'after' must be")]
    public async Task BadQuery_Returns400WithTheProblem(string path, string method, string problem)
    {
        var (http, device) = await DeviceAsync();
        using (http)
        {
            var (status, json) = await http.SendJsonAsync(new HttpMethod(method), path.Replace("{id}", device), method == "POST" ? Commanding.Reboot : null);

            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("invalid_request", json.Text("error"));
            Assert.Contains(problem, json.Text("error_description"), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("cmd_000000000000000000000000")]
    [InlineData("not%20an%20id")]
    public async Task UnknownCommand_Is404(string commandId)
    {
        var (http, device) = await DeviceAsync();
        using (http)
        {
            var (status, json) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{device}/commands/{commandId}");

            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal("not_found", json.Text("error"));
        }
    }

    [Fact]
    public async Task AnotherDevicesCommand_Is404UnderThisDevice()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var one = await fixture.ProvisionAsync(owner);
        var two = await fixture.ProvisionAsync(owner);
        using var http = fixture.Client(owner, Commanding.Scopes);
        var commandId = (await http.SendCommandAsync(one.Id)).Text("id")!;

        var (status, _) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{two.Id}/commands/{commandId}");

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task TooManyOpenCommands_Returns429()
    {
        await using var host = fixture.StartHost(new Dictionary<string, string?> { ["DeviceEdge:Commands:MaxOpenPerDevice"] = "2" }, events: new DeviceEvents());
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner, host: host);
        using var http = fixture.Client(owner, Commanding.Scopes, host);
        await http.SendCommandAsync(device.Id);
        await http.SendCommandAsync(device.Id);

        var (status, json) = await http.SendJsonAsync(HttpMethod.Post, $"devices/{device.Id}/commands", Commanding.Reboot);

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal("too_many_requests", json.Text("error"));
        Assert.Contains("2 open commands", json.Text("error_description"), StringComparison.Ordinal);
    }

    private async Task<(HttpClient Http, string Device)> DeviceAsync()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        return (fixture.Client(owner, Commanding.Scopes), device.Id);
    }
}
