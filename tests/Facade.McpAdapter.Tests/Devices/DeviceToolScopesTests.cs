using System.Net;
using System.Text.Json;
using Facade.Common;
using Facade.McpAdapter.Tests.Security;
using static Facade.McpAdapter.Tests.Devices.DeviceToolsFixture;

namespace Facade.McpAdapter.Tests.Devices;

/// <summary>
/// Each device tool needs its scopes (docs/architecture.md): tools/list shows all eight to any signed-in user with the
/// scopes in <c>_meta["facade/scopes"]</c>, and a call whose token lacks one is answered with HTTP 403
/// insufficient_scope naming them, before the device edge is asked, so the client can step up.
/// </summary>
public sealed class DeviceToolScopesTests(DeviceToolsFixture fixture) : IClassFixture<DeviceToolsFixture>
{
    public static TheoryData<string, string, string> Tools => new()
    {
        { "list_devices", "{}", "devices:read telemetry:read" },
        { "get_device", """{"device_id":"dev-1"}""", "devices:read" },
        { "get_fleet_status", "{}", "devices:read" },
        { "read_sensor", """{"device_id":"dev-1","sensor_key":"temperature"}""", "telemetry:read" },
        { "get_history", """{"device_id":"dev-1","sensor_key":"temperature","resolution":"1h"}""", "telemetry:read" },
        { "send_command", """{"device_id":"dev-1","command":"set_relay","params":{"relay":1,"on":true}}""", "commands:write" },
        { "configure_device", """{"device_id":"dev-1","config":{"reportingIntervalSeconds":60}}""", "devices:write" },
        { "list_alerts", "{}", "rules:read" },
    };

    [Fact]
    public async Task ToolsList_ShowsTheEightDeviceTools_WithTheirScopes_ToATokenWithNoneOfThem()
    {
        using var response = await McpHttp.PostAsync(fixture.Adapter.BaseUrl, "mcp", fixture.Token(NewUser(), "tasks:read"), McpHttp.ToolsList);

        var tools = (await McpHttp.ReadResultAsync(response)).GetProperty("tools").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        foreach (var row in Tools)
        {
            var (name, _, scopes) = (row.Data.Item1, row.Data.Item2, row.Data.Item3);
            Assert.True(tools.TryGetValue(name, out var tool), name);
            Assert.Equal(scopes.Split(' '), tool.GetProperty("_meta").GetProperty("facade/scopes").EnumerateArray().Select(s => s.GetString()));
            Assert.False(string.IsNullOrWhiteSpace(tool.GetProperty("description").GetString()));
        }

        Assert.True(tools["read_sensor"].GetProperty("annotations").GetProperty("readOnlyHint").GetBoolean());
        Assert.False(tools["send_command"].GetProperty("annotations").GetProperty("readOnlyHint").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(Tools))]
    public async Task Call_WithoutTheToolsScope_Is403InsufficientScope_NamingIt(string tool, string arguments, string scopes)
    {
        // Every other scope there is, and of a two-scope tool the other one: only the missing one makes the difference.
        var lacking = scopes.Split(' ').Last();
        var token = fixture.Token(NewUser(), string.Join(' ', ScopeCatalog.Api.Where(s => s != lacking)));
        var call = $$$"""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"{{{tool}}}","arguments":{{{arguments}}}}}""";

        using var response = await McpHttp.PostAsync(fixture.Adapter.BaseUrl, "mcp", token, call);

        var json = await JsonError.AssertAsync(response, HttpStatusCode.Forbidden, "insufficient_scope", token);
        Assert.Equal(scopes, json.GetProperty("scope").GetString());
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"insufficient_scope\"", challenge, StringComparison.Ordinal);
        Assert.Contains($"scope=\"{scopes}\"", challenge, StringComparison.Ordinal);
        Assert.Contains("resource_metadata=\"", challenge, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Tools))]
    public async Task Call_WithExactlyTheToolsScopes_PassesTheGate(string tool, string arguments, string scopes)
    {
        var token = fixture.Token(NewUser(), scopes);
        var call = $$$"""{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"{{{tool}}}","arguments":{{{arguments}}}}}""";

        using var response = await McpHttp.PostAsync(fixture.Adapter.BaseUrl, "mcp", token, call);

        // A tool result (dev-1 is nobody's device here, so tools about it answer not found): the device edge was asked.
        var result = await McpHttp.ReadResultAsync(response);
        var text = result.GetProperty("content")[0].GetProperty("text").GetString()!;
        if (arguments.Contains("dev-1", StringComparison.Ordinal))
        {
            Assert.True(result.GetProperty("isError").GetBoolean(), text);
            Assert.StartsWith("Not found (HTTP 404)", text, StringComparison.Ordinal);
        }
        else
        {
            Assert.False(result.TryGetProperty("isError", out var isError) && isError.GetBoolean(), text);
            Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(text).RootElement.ValueKind);
        }
    }
}
