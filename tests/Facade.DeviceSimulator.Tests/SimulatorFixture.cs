extern alias simulator;

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Status;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;
using simulator::Facade.Mocks.DeviceSimulator.Fleet;

namespace Facade.DeviceSimulator.Tests;

/// <summary>
/// One token issuer and one real device edge (embedded broker) per test class, with a <see cref="DeviceRecorder"/> on
/// its seams. Tests stay independent by provisioning their own devices for their own user (<see cref="ProvisionAsync"/>)
/// and starting their own simulator.
/// </summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    public TestIssuer Issuer { get; private set; } = null!;

    public DeviceEdgeHost Edge { get; private set; } = null!;

    internal DeviceRecorder Recorder { get; } = new();

    public async ValueTask InitializeAsync()
    {
        Issuer = await TestIssuer.StartAsync();
        Edge = StartEdge(Recorder);
    }

    /// <summary>A device edge trusting this fixture's issuer with <paramref name="recorder"/> on its seams.</summary>
    internal DeviceEdgeHost StartEdge(DeviceRecorder recorder, IDictionary<string, string?>? settings = null, string? dataDirectory = null) =>
        DeviceEdgeHost.Start(Issuer.BaseUrl, settings, dataDirectory: dataDirectory, configureServices: services =>
        {
            services.AddSingleton<IDeviceMessageHandler>(recorder);
            services.AddSingleton<IDeviceStatusObserver>(recorder);
        });

    /// <summary>
    /// Registers one device per type in <paramref name="types"/> for a new user over the device edge's REST API and
    /// writes their credentials file, as <c>init</c> and the provisioning would.
    /// </summary>
    internal async Task<TestFleet> ProvisionAsync(string[] types, DeviceEdgeHost? edge = null)
    {
        var owner = "user-" + Guid.NewGuid().ToString("N");
        using var client = (edge ?? Edge).CreateHttpClient(Issuer.Token(owner, "devices:read devices:write"));
        var devices = new List<DeviceCredentials>();
        foreach (var type in types)
        {
            var id = $"sim-{Guid.NewGuid():N}";
            using var response = await client.PostAsJsonAsync("devices", new { id, name = $"Simulated {type}", type, tags = new[] { "simulator" } },
                TestContext.Current.CancellationToken);
            var json = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {json}");
            devices.Add(new DeviceCredentials(id, type, $"Simulated {type}", json.GetProperty("secret").GetString()!));
        }

        var file = Path.Combine(Directory.CreateTempSubdirectory("facade-simulator-").FullName, "credentials.json");
        await CredentialsFile.WriteAsync(file, devices, TestContext.Current.CancellationToken);
        return new TestFleet(owner, devices, file);
    }

    /// <summary>A REST client of the device edge acting as <paramref name="owner"/>.</summary>
    public HttpClient Client(string owner, DeviceEdgeHost? edge = null) => (edge ?? Edge).CreateHttpClient(Issuer.Token(owner, "devices:read"));

    /// <summary>Sends a command the way the edge does: QoS 1 on <c>devices/{id}/commands/{cmdId}</c>.</summary>
    internal Task SendCommandAsync(string deviceId, string commandId, string name, string parameters, DateTimeOffset? expiresAt = null)
    {
        var expiry = (expiresAt ?? DateTimeOffset.UtcNow.AddMinutes(5)).ToString("O");
        var payload = $$"""{"id":"{{commandId}}","name":"{{name}}","params":{{parameters}},"expiresAt":"{{expiry}}"}""";
        return Channel.PublishAsync(DeviceTopics.Command(deviceId, commandId), Encoding.UTF8.GetBytes(payload), 1, retain: false, TestContext.Current.CancellationToken);
    }

    /// <summary>Sets a desired shadow state through the device edge's REST API as the owner; returns its new version.</summary>
    internal async Task<long> ConfigureAsync(string owner, string deviceId, string state)
    {
        using var client = Edge.CreateHttpClient(Issuer.Token(owner, "devices:read devices:write"));
        using var body = new StringContent(state, Encoding.UTF8, "application/merge-patch+json");
        using var response = await client.PatchAsync($"devices/{deviceId}/shadow/desired", body, TestContext.Current.CancellationToken);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {json}");
        return json.GetProperty("desiredVersion").GetInt64();
    }

    /// <summary>
    /// Publishes a desired shadow state past the edge's validation (which would refuse a malformed one): retained, QoS 1,
    /// <c>{"version", "state"}</c>, as the edge does.
    /// </summary>
    internal Task PublishDesiredAsync(string deviceId, long version, string state) =>
        Channel.PublishAsync(DeviceTopics.ShadowDesired(deviceId), Encoding.UTF8.GetBytes($$"""{"version":{{version}},"state":{{state}}}"""), 1, retain: true,
            TestContext.Current.CancellationToken);

    /// <summary>
    /// Waits until the device said it is online on its status topic, which it does once subscribed to its commands and
    /// desired shadow: from then on, what the edge sends it arrives.
    /// </summary>
    internal Task<DeviceMessage> OnlineAsync(string deviceId, int mark = 0, DeviceRecorder? recorder = null) =>
        (recorder ?? Recorder).NextAsync(mark, deviceId, DeviceTopicKind.Status, m => m.Text().Contains("online", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await Edge.DisposeAsync();
        await Issuer.DisposeAsync();
    }

    private IDeviceChannel Channel => Edge.Services.GetRequiredService<IDeviceChannel>();
}

internal sealed record TestFleet(string Owner, IReadOnlyList<DeviceCredentials> Devices, string CredentialsFile)
{
    public DeviceCredentials this[int index] => Devices[index];
}
