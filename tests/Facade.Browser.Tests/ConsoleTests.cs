using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Facade.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Facade.Browser.Tests;

/// <summary>
/// The console (<c>/console</c>) in a real Chromium against the whole system: signing in, every page, a key made and
/// used, the keyboard alone, a tool called through <c>/mcp</c>, telemetry arriving over <c>/realtime</c>, and a socket
/// closing when its token is revoked on the tokens page. Each visited page is saved to artifacts/screenshots/.
/// </summary>
public sealed class ConsoleTests(ChromiumFixture chromium, ConsoleStackFixture stack)
    : BrowserTest(chromium), IClassFixture<ChromiumFixture>, IClassFixture<ConsoleStackFixture>
{
    protected override FacadeHost StartHost() => stack.Stack.Edge;

    protected override bool OwnsHost => false;

    [Fact]
    public async Task SignIn_ThenEveryPageOfTheNavigation_RendersWithinTheCsp()
    {
        await Page.GotoAsync("/console/tokens");
        await Expect(Page).ToHaveURLAsync(Urls.LoginPageFor("/console/tokens"));
        await SubmitLoginAsync("demo", "demo-password");
        await Expect(Page).ToHaveURLAsync(ConsoleUrl("/console/tokens"));
        await Expect(Page.Locator("#signed-in-as")).ToHaveTextAsync("demo");

        var pages = new (string Link, string Path, string Heading)[]
        {
            ("Overview", "/console", "Your Facade account"),
            ("Tokens", "/console/tokens", "Tokens"),
            ("API keys", "/console/keys", "API keys"),
            ("Connected apps", "/console/consents", "Connected apps"),
            ("Devices", "/console/devices", "Devices"),
            ("Tool console", "/console/tools", "Tool console"),
            ("Set-up", "/console/snippets", "Connect a client"),
        };
        foreach (var (link, path, heading) in pages)
        {
            await Page.GetByRole(AriaRole.Navigation, new() { Name = "Console" }).GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();
            await Expect(Page).ToHaveURLAsync(ConsoleUrl(path));
            await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(heading);
            await Expect(Page.Locator("nav a[aria-current=page]")).ToHaveTextAsync(link);
            if (path == "/console/tools")
            {
                await Expect(Page.Locator("#tools-status")).ToContainTextAsync("you may call");
            }

            await ScreenshotAsync(path.Replace("/console", "console", StringComparison.Ordinal).Replace('/', '-'));
        }

        // The first-party token the script pages asked for shows up in the ledger, labelled as the console's.
        await Page.GotoAsync("/console/tokens");
        await Expect(Page.Locator("#tokens tr[data-label=first-party]").First).ToBeVisibleAsync();
        AssertNoCspViolations();
    }

    [Fact]
    public async Task CreateKey_ShowsItOnce_ItWorks_AndRevokingItStopsIt()
    {
        await SignInAtAsync("/console/keys");
        var label = "browser key " + Guid.NewGuid().ToString("N")[..6];

        await Page.GetByLabel("Label", new() { Exact = true }).FillAsync(label);
        await Page.GetByLabel("See your tasks").CheckAsync();
        await Page.GetByLabel("Expires").SelectOptionAsync("7");
        await Page.Locator("#create-key-button").ClickAsync();

        var field = Page.Locator("#new-key-value");
        await Expect(field).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^fk_u_"));
        await Expect(Page.Locator("#new-key")).ToBeFocusedAsync();
        var key = await field.InputValueAsync();
        await Page.Locator("#new-key button[data-copy]").ClickAsync();
        await Expect(Page.Locator("#new-key button[data-copy]")).ToHaveAttributeAsync("data-copied", "true");
        await ScreenshotAsync("console-keys-created");
        Assert.Equal(HttpStatusCode.OK, await CallWithKeyAsync(key));

        // Shown once: the list has the key, the page never shows its value again.
        await Page.GotoAsync("/console/keys");
        var row = Page.Locator("#keys tbody tr", new() { HasText = label });
        await Expect(row).ToHaveCountAsync(1);
        Assert.DoesNotContain(key, await Page.ContentAsync(), StringComparison.Ordinal);

        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(Page.Locator("#key-revoked")).ToBeVisibleAsync();
        await Expect(Page.Locator("#keys tbody tr", new() { HasText = label })).ToHaveCountAsync(0);
        await ScreenshotAsync("console-keys-revoked");
        Assert.Equal(HttpStatusCode.Unauthorized, await CallWithKeyAsync(key));
        AssertNoCspViolations();
    }

    [Fact]
    public async Task KeyboardOnly_TabsToTheKeyForm_AndSubmitsIt()
    {
        await SignInAtAsync("/console/keys");
        var label = "keyboard key " + Guid.NewGuid().ToString("N")[..6];

        // From the top of the page, Tab alone reaches the form; the skip link is the first stop.
        await Page.Locator("body").FocusAsync();
        await Page.Keyboard.PressAsync("Tab");
        Assert.Equal("skip-link", await Page.EvaluateAsync<string>("document.activeElement.className"));
        await TabUntilAsync("label");
        await Page.Keyboard.TypeAsync(label);
        await TabUntilAsync("scope-tasks-read");
        await Page.Keyboard.PressAsync("Space");
        await Expect(Page.Locator("#scope-tasks-read")).ToBeCheckedAsync();
        await TabUntilAsync("create-key-button");
        await ScreenshotAsync("console-keys-keyboard");
        await Page.Keyboard.PressAsync("Enter");

        await Expect(Page.Locator("#new-key")).ToBeFocusedAsync();
        await Expect(Page.Locator("#new-key-title")).ToContainTextAsync(label);
        await Expect(Page.Locator("#new-key-value")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^fk_u_"));
        AssertNoCspViolations();
    }

    [Fact]
    public async Task ToolConsole_RendersFormsFromSchemas_ValidatesInput_AndCallsTools()
    {
        await SignInAtAsync("/console/tools");
        await Expect(Page.Locator("#tools-status")).ToContainTextAsync("you may call");

        // No arguments: list_organizations.
        await Page.Locator("#tool-select").SelectOptionAsync(new SelectOptionValue { Label = "list_organizations" });
        await Expect(Page.Locator("#tool")).ToHaveAttributeAsync("data-tool", "list_organizations");
        await Page.Locator("#call-tool").ClickAsync();
        await Expect(Page.Locator("#tool-result")).ToHaveAttributeAsync("data-outcome", "ok");
        await Expect(Page.Locator("#tool-result-text")).ToContainTextAsync("Acme");
        await ScreenshotAsync("console-tools-list-organizations");

        // Enum → select, integer → number field checked before sending.
        await Page.Locator("#tool-select").SelectOptionAsync(new SelectOptionValue { Label = "list_tasks" });
        await Expect(Page.Locator("select#arg-status")).ToBeVisibleAsync();
        await Page.Locator("#arg-limit").FillAsync("2.5");
        await Page.Locator("#call-tool").ClickAsync();
        await Expect(Page.Locator("#arg-limit-error")).ToHaveTextAsync("Enter a whole number.");
        await Expect(Page.Locator("#arg-limit")).ToBeFocusedAsync();
        await Page.Locator("#arg-limit").FillAsync("2");
        await Page.Locator("select#arg-status").SelectOptionAsync(new SelectOptionValue { Label = "open" });
        await Page.Locator("#call-tool").ClickAsync();
        await Expect(Page.Locator("#tool-result")).ToHaveAttributeAsync("data-outcome", "ok");
        await Expect(Page.Locator("#tool-result-text")).ToContainTextAsync("\"status\"");

        // A required string argument, structured content, and a tool error shown as one.
        await Page.Locator("#tool-select").SelectOptionAsync(new SelectOptionValue { Label = "get_task" });
        await Page.Locator("#call-tool").ClickAsync();
        await Expect(Page.Locator("#arg-id-error")).ToHaveTextAsync("Required.");
        await Page.Locator("#arg-id").FillAsync("task-1");
        await Page.Locator("#call-tool").ClickAsync();
        await Expect(Page.Locator("#tool-result")).ToHaveAttributeAsync("data-outcome", "ok");
        await Expect(Page.Locator("#tool-result-structured")).ToContainTextAsync("\"id\": \"task-1\"");
        await ScreenshotAsync("console-tools-get-task");
        await Page.Locator("#arg-id").FillAsync("no-such-task");
        await Page.Locator("#call-tool").ClickAsync();
        await Expect(Page.Locator("#tool-result")).ToHaveAttributeAsync("data-outcome", "tool-error");
        await Expect(Page.Locator("#tool-result-status")).ToHaveTextAsync("The tool reported an error.");
        await ScreenshotAsync("console-tools-error");
        AssertNoCspViolations();
    }

    [Fact]
    public async Task Devices_TelemetryArrivesLive()
    {
        using var device = await stack.ConnectedDemoDeviceAsync("Console test sensor", Ct);
        await SignInAtAsync("/console/devices");
        var row = Page.Locator($"#devices tr[data-device='{device.DeviceId}']");
        await Expect(row).ToContainTextAsync("Console test sensor");
        await Expect(Page.Locator("#live-status")).ToHaveAttributeAsync("data-state", "open");
        await Expect(Page.Locator("#reconnect")).ToBeHiddenAsync();
        await Expect(row).ToHaveAttributeAsync("data-subscribed", "true");

        await PublishAsync(device, 21.5);

        await Expect(row.Locator("[data-metric=temperature] dd")).ToContainTextAsync("21.5");
        await PublishAsync(device, 22.25);
        await Expect(row.Locator("[data-metric=temperature] dd")).ToContainTextAsync("22.25");
        await ScreenshotAsync("console-devices-live");
        AssertNoCspViolations();
    }

    [Fact]
    public async Task RevokingTheConsoleToken_OnTheTokensPage_ClosesTheSocketOpenedWithIt()
    {
        await SignInAtAsync("/console/devices");
        await Expect(Page.Locator("#live-status")).ToHaveAttributeAsync("data-state", "open");
        var jti = await Page.Locator("#live-token").GetAttributeAsync("data-jti");
        Assert.False(string.IsNullOrEmpty(jti));

        var tokens = await Context.NewPageAsync();
        await tokens.GotoAsync("/console/tokens");
        var row = tokens.Locator($"#tokens tr[data-jti='{jti}']");
        await Expect(row).ToHaveAttributeAsync("data-label", "first-party");
        await ScreenshotAsync("console-tokens-before-revoke", tokens);
        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(tokens.Locator("#token-revoked")).ToBeVisibleAsync();
        await Expect(tokens.Locator($"#tokens tr[data-jti='{jti}']")).ToHaveCountAsync(0);

        await Expect(Page.Locator("#live-status")).ToHaveAttributeAsync("data-close-code", "4403");
        await Expect(Page.Locator("#live-status")).ToContainTextAsync("token_revoked");
        await Expect(Page.Locator("#reconnect")).ToBeVisibleAsync();
        await ScreenshotAsync("console-devices-revoked");

        // Reconnecting takes a new token and goes live again.
        await Page.Locator("#reconnect").ClickAsync();
        await Expect(Page.Locator("#live-status")).ToHaveAttributeAsync("data-state", "open");
        Assert.NotEqual(jti, await Page.Locator("#live-token").GetAttributeAsync("data-jti"));
        AssertNoCspViolations();
    }

    private static System.Text.RegularExpressions.Regex ConsoleUrl(string path) =>
        new("^http://127\\.0\\.0\\.1:\\d+" + System.Text.RegularExpressions.Regex.Escape(path) + "(\\?.*)?$");

    private async Task SignInAtAsync(string path)
    {
        await Page.GotoAsync(path);
        await Expect(Page).ToHaveURLAsync(Urls.LoginPageFor(path));
        await SubmitLoginAsync("demo", "demo-password");
        await Expect(Page).ToHaveURLAsync(ConsoleUrl(path));
    }

    private async Task TabUntilAsync(string id)
    {
        for (var i = 0; i < 60; i++)
        {
            await Page.Keyboard.PressAsync("Tab");
            if (await Page.EvaluateAsync<string>("document.activeElement.id") == id)
            {
                return;
            }
        }

        Assert.Fail($"Tab never reached #{id}");
    }

    private async Task<HttpStatusCode> CallWithKeyAsync(string key)
    {
        using var http = Host.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/tasks");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request, Ct);
        return response.StatusCode;
    }

    private static async Task PublishAsync(TestDevice device, double temperature)
    {
        var ack = await device.PublishAsync($"devices/{device.DeviceId}/telemetry",
            $$$"""{"metrics":{"temperature":{{{temperature.ToString(CultureInfo.InvariantCulture)}}}}}""", cancellationToken: Ct);
        Assert.Equal(MQTTnet.MqttClientPublishReasonCode.Success, ack.ReasonCode);
    }

    private Task ScreenshotAsync(string page, IPage? on = null) =>
        SaveArtifactScreenshotAsync($"{nameof(ConsoleTests)}.{TestContext.Current.TestMethod?.MethodName}-{page}", on ?? Page);
}
