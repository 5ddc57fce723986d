using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Facade.McpAdapter.Tests.Devices;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace Facade.McpAdapter.Tests.Security;

/// <summary>
/// A whole session through edge, adapter and device edge, logging at Information (Debug for Facade's own categories),
/// successes and mistakes alike; then no log line of any of the three services holds a password, an access or refresh
/// token, an authorization code's token, an API key or a device secret.
/// </summary>
public sealed class NoSecretsInLogsTests : IAsyncLifetime
{
    private const string WrongPassword = "wrong-password-6c0f2d-never-logged";
    private readonly CapturedLogs _logs = new();
    private FacadeStack _stack = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        var verbose = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Facade"] = "Debug",
        };
        _stack = FacadeStack.Start(verbose, verbose, services => services.AddSingleton<ILoggerProvider>(_logs), withDevices: true);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _stack.DisposeAsync();

    [Fact]
    public async Task AFullSession_LeavesNoSecretInAnyLogLine()
    {
        var secrets = new List<string> { "demo-password", WrongPassword };
        using (var mistaken = new OAuthTestClient(_stack.Edge.BaseUrl) { Password = WrongPassword })
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => mistaken.GetTokenAsync("tasks:read", cancellationToken: Ct));
        }

        using var oauth = new OAuthTestClient(_stack.Edge.BaseUrl);
        var (client, first) = await oauth.GetTokenAsync("tasks:read offline_access keys:write devices:read devices:write telemetry:read", cancellationToken: Ct);
        var refreshed = await oauth.RefreshAsync(client, first.RefreshToken!, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        var replayed = await oauth.RefreshAsync(client, first.RefreshToken!, cancellationToken: Ct); // reuse: the grant ends
        Assert.Equal(HttpStatusCode.BadRequest, replayed.Status);
        secrets.AddRange([first.AccessToken!, first.RefreshToken!, refreshed.AccessToken!, refreshed.RefreshToken!]);

        var (_, token) = await oauth.GetTokenAsync("tasks:read keys:write devices:read devices:write telemetry:read", cancellationToken: Ct);
        var access = token.AccessToken!;
        secrets.Add(access);
        using var http = new HttpClient { BaseAddress = _stack.Edge.BaseUrl };

        Assert.Equal(HttpStatusCode.OK, await SendAsync(http, HttpMethod.Get, "api/tasks", access));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(http, HttpMethod.Get, "api/tasks", access[..^4] + "AAAA")); // forged signature

        var result = await McpHttp.ReadResultAsync(await McpHttp.PostAsync(_stack.Edge.BaseUrl, "mcp", access,
            """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_tasks","arguments":{}}}"""));
        Assert.False(result.TryGetProperty("isError", out var isError) && isError.GetBoolean(), result.ToString());

        using (var created = await SendJsonAsync(http, "account/keys", access, new { label = "logs", scopes = new[] { "tasks:read" } }))
        {
            var body = await created.Content.ReadAsStringAsync(Ct);
            Assert.True(created.StatusCode == HttpStatusCode.Created, body);
            var key = JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!;
            secrets.Add(key);
            Assert.Equal(HttpStatusCode.OK, await SendAsync(http, HttpMethod.Get, "api/tasks", key));
            Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(http, HttpMethod.Get, "api/tasks", key[..^4] + "zzzz"));
        }

        using (var created = await SendJsonAsync(http, "devices", access, new { id = "logs-sensor", name = "Log test sensor", type = "sensor" }))
        {
            var body = await created.Content.ReadAsStringAsync(Ct);
            Assert.True(created.StatusCode == HttpStatusCode.Created, body);
            var secret = JsonDocument.Parse(body).RootElement.GetProperty("secret").GetString()!;
            secrets.Add(secret);
            var (device, connected) = await TestDevice.ConnectAsync(_stack.Devices!.MqttPort, "logs-sensor", secret, cancellationToken: Ct);
            using (device)
            {
                Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
                await DeviceToolsFixture.PublishAsync(device, """{"temperature":20.5}""");
            }

            var (refused, wrong) = await TestDevice.ConnectAsync(_stack.Devices!.MqttPort, "logs-sensor", secret[..^4] + "xxxx", cancellationToken: Ct);
            refused.Dispose();
            Assert.NotEqual(MqttClientConnectResultCode.Success, wrong.ResultCode);
        }

        var lines = _logs.Entries.Concat(_stack.Devices!.Logs.Entries).Select(e => e.ToString()).ToList();
        Assert.True(lines.Count > 20, $"only {lines.Count} log lines were captured: the levels did not apply");
        foreach (var secret in secrets)
        {
            var leak = lines.FirstOrDefault(line => line.Contains(secret, StringComparison.Ordinal)
                || (secret.Length > 40 && line.Contains(secret[^24..], StringComparison.Ordinal)));
            Assert.True(leak is null, $"a secret ({secret[..Math.Min(6, secret.Length)]}…) is in a log line: {leak}");
        }
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient http, HttpMethod method, string path, string bearer)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request, Ct);
        return response.StatusCode;
    }

    private static async Task<HttpResponseMessage> SendJsonAsync(HttpClient http, string path, string bearer, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return await http.SendAsync(request, Ct);
    }
}
