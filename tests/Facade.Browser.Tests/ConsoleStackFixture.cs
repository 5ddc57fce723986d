using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Facade.Testing;
using MQTTnet;

namespace Facade.Browser.Tests;

/// <summary>
/// The whole system behind the console, shared by a test class: legacy mock, edge, MCP adapter and device edge
/// (<see cref="FacadeStack"/> with devices). Tests use their own browser contexts, devices and keys.
/// </summary>
public sealed class ConsoleStackFixture : IAsyncLifetime
{
    public FacadeStack Stack { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Stack = FacadeStack.Start(withDevices: true);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => Stack.DisposeAsync();

    /// <summary>Provisions a device for the demo user through the edge's <c>/devices</c> route and connects it to the broker.</summary>
    public async Task<TestDevice> ConnectedDemoDeviceAsync(string name, CancellationToken cancellationToken)
    {
        var id = "console-" + Guid.NewGuid().ToString("N")[..10];
        using var oauth = new OAuthTestClient(Stack.Edge.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("devices:read devices:write", cancellationToken: cancellationToken);
        using var http = new HttpClient { BaseAddress = Stack.Edge.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        using var created = await http.PostAsync("devices",
            new StringContent(JsonSerializer.Serialize(new { id, name, type = "sensor" }), Encoding.UTF8, "application/json"), cancellationToken);
        var body = await created.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{created.StatusCode}: {body}");
        var secret = JsonDocument.Parse(body).RootElement.GetProperty("secret").GetString();
        var (device, result) = await TestDevice.ConnectAsync(Stack.Devices!.MqttPort, id, secret, cancellationToken: cancellationToken);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        await Stack.Devices.WaitUntilConnectedAsync(id, cancellationToken);
        return device;
    }
}
