using System.Net;
using System.Text;
using System.Text.Json;
using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Status;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.DeviceEdge.Tests;

/// <summary>
/// One token issuer and one device edge shared by the tests of a class. Tests stay independent by using their own
/// users and device ids (<see cref="NewUser"/>, <see cref="NewDeviceId"/>).
/// </summary>
public sealed class DeviceEdgeFixture : IAsyncLifetime
{
    public const string ReadWrite = "devices:read devices:write";

    /// <summary>
    /// The issuer, given explicitly to the admin commands: their content root is the test's working folder, which holds
    /// whichever service's appsettings.Development.json was copied there last.
    /// </summary>
    public const string IssuerArgument = "--DeviceEdge:Issuer=http://127.0.0.1:5000/";

    public TestIssuer Issuer { get; private set; } = null!;

    public DeviceEdgeHost Host { get; private set; } = null!;

    internal DeviceEvents Events { get; } = new();

    public async ValueTask InitializeAsync()
    {
        Issuer = await TestIssuer.StartAsync();
        Host = StartHost();
    }

    /// <summary>
    /// A device edge trusting this fixture's issuer, with <see cref="Events"/> listening (for tests that need their own);
    /// <paramref name="services"/> adds or replaces services (e.g. a <c>FakeTimeProvider</c> as the <c>TimeProvider</c>).
    /// </summary>
    internal DeviceEdgeHost StartHost(IDictionary<string, string?>? settings = null, string? dataDirectory = null, DeviceEvents? events = null,
        Action<IServiceCollection>? services = null) =>
        DeviceEdgeHost.Start(Issuer.BaseUrl, settings, dataDirectory: dataDirectory, configureServices: configure =>
        {
            configure.AddSingleton<IDeviceMessageHandler>(events ?? Events);
            configure.AddSingleton<IDeviceStatusObserver>(events ?? Events);
            services?.Invoke(configure);
        });

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Issuer.DisposeAsync();
    }

    public static string NewUser() => "user-" + Guid.NewGuid().ToString("N");

    public static string NewDeviceId(string prefix = "dev") => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>A REST client acting as <paramref name="userId"/> with a valid token carrying <paramref name="scope"/>.</summary>
    public HttpClient Client(string userId, string scope = ReadWrite, DeviceEdgeHost? host = null) =>
        (host ?? Host).CreateHttpClient(Issuer.Token(userId, scope));

    /// <summary>Provisions a device for <paramref name="owner"/> over REST; returns its id, secret and the whole answer.</summary>
    public Task<Provisioned> ProvisionAsync(string owner, string? id = null, DeviceEdgeHost? host = null) =>
        ProvisionAsync(Issuer, host ?? Host, owner, id);

    /// <summary>Provisions a device on any device edge trusting <paramref name="issuer"/> (fixtures of their own use it).</summary>
    internal static async Task<Provisioned> ProvisionAsync(TestIssuer issuer, DeviceEdgeHost host, string owner, string? id = null)
    {
        using var client = host.CreateHttpClient(issuer.Token(owner, ReadWrite));
        var body = id is null
            ? """{"name":"Test device","type":"sensor","tags":["test"]}"""
            : $$"""{"id":"{{id}}","name":"Test device","type":"sensor","tags":["test"]}""";
        var (status, json) = await client.SendJsonAsync(HttpMethod.Post, "devices", body);
        Assert.True(status == HttpStatusCode.Created, $"{status}: {json}");
        return new Provisioned(json.GetProperty("id").GetString()!, json.GetProperty("secret").GetString()!, json);
    }

    /// <summary>A device connected to this fixture's broker with its own credentials.</summary>
    public async Task<TestDevice> ConnectAsync(Provisioned device, Action<MQTTnet.MqttClientOptionsBuilder>? configure = null, DeviceEdgeHost? host = null)
    {
        var (connected, result) = await TestDevice.ConnectAsync((host ?? Host).MqttPort, device.Id, device.Secret, configure: configure,
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(MQTTnet.MqttClientConnectResultCode.Success, result.ResultCode);
        await (host ?? Host).WaitUntilConnectedAsync(device.Id, TestContext.Current.CancellationToken);
        return connected;
    }
}

public sealed record Provisioned(string Id, string Secret, JsonElement Json);

/// <summary>Sends and reads JSON the way the tests need it: raw bodies in, status and parsed JSON out.</summary>
public static class JsonHttp
{
    public static async Task<(HttpStatusCode Status, JsonElement Json)> SendJsonAsync(this HttpClient client, HttpMethod method, string path,
        string? body = null, string contentType = "application/json")
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, await ReadJsonAsync(response));
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static string? Text(this JsonElement json, string property) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
