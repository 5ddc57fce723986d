using System.Text.Json;
using Facade.McpAdapter.Tests.Security;
using Facade.Testing;

namespace Facade.McpAdapter.Tests.Mcp;

/// <summary>
/// tools/list (and resources, templates, prompts) shows everything the user may be granted, each with the scopes it
/// needs in <c>_meta["facade/scopes"]</c>, so a client signed in with less learns what to step up to; a call without
/// the scope still gets HTTP 403 insufficient_scope. <c>Adapter:ToolListing=granted</c> shows only what the token may use.
/// </summary>
public sealed class ToolListingTests(AdapterStackFixture fixture) : IClassFixture<AdapterStackFixture>
{
    [Fact]
    public async Task ToolsList_ShowsToolsTheTokenLacks_WithTheirScopes()
    {
        var token = fixture.Mint("tasks:read");

        using var response = await McpHttp.PostAsync(fixture.Adapter, "mcp", token, McpHttp.ToolsList);

        var tools = (await McpHttp.ReadResultAsync(response)).GetProperty("tools").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal(["tasks:write"], Scopes(tools["create_task"]));
        Assert.Equal(["tasks:read"], Scopes(tools["list_tasks"]));
        Assert.Equal(["organizations:read"], Scopes(tools["list_organizations"]));
    }

    [Fact]
    public async Task ResourcesTemplatesAndPrompts_AreListedWithTheirScopes()
    {
        var token = fixture.Mint("tasks:read");

        using var resources = await McpHttp.PostAsync(fixture.Adapter, "mcp", token, """{"jsonrpc":"2.0","id":4,"method":"resources/list"}""");
        var organizations = (await McpHttp.ReadResultAsync(resources)).GetProperty("resources").EnumerateArray()
            .Single(r => r.GetProperty("uri").GetString() == "facade://organizations");
        Assert.Equal(["organizations:read"], Scopes(organizations));

        using var templates = await McpHttp.PostAsync(fixture.Adapter, "mcp", token, """{"jsonrpc":"2.0","id":5,"method":"resources/templates/list"}""");
        Assert.All((await McpHttp.ReadResultAsync(templates)).GetProperty("resourceTemplates").EnumerateArray(), t => Assert.NotEmpty(Scopes(t)));

        using var prompts = await McpHttp.PostAsync(fixture.Adapter, "mcp", token, """{"jsonrpc":"2.0","id":6,"method":"prompts/list"}""");
        Assert.All((await McpHttp.ReadResultAsync(prompts)).GetProperty("prompts").EnumerateArray(), p => Assert.NotEmpty(Scopes(p)));
    }

    [Fact]
    public async Task GrantedListing_ShowsOnlyWhatTheTokenMayUse()
    {
        await using var stack = FacadeStack.Start(adapterSettings: new Dictionary<string, string?> { ["Adapter:ToolListing"] = "granted" });
        using var oauth = new OAuthTestClient(stack.Edge.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: TestContext.Current.CancellationToken);

        using var response = await McpHttp.PostAsync(stack.Adapter.BaseUrl, "mcp", token.AccessToken, McpHttp.ToolsList);

        var names = (await McpHttp.ReadResultAsync(response)).GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Contains("list_tasks", names);
        Assert.DoesNotContain("create_task", names);
        Assert.DoesNotContain("list_organizations", names);
    }

    private static string[] Scopes(JsonElement entry) =>
        entry.TryGetProperty("_meta", out var meta) && meta.TryGetProperty("facade/scopes", out var scopes)
            ? [.. scopes.EnumerateArray().Select(s => s.GetString()!)]
            : [];
}
