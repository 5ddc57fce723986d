using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Status;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;

namespace Facade.DeviceEdge.Tests.Mosquitto;

/// <summary>
/// A real mosquitto and a device edge in External mode in front of it, for one test class: the edge writes mosquitto's
/// password and ACL files into the broker's folder and signals it through its pid file, exactly as an operator would
/// configure them. <see cref="Events"/> hears every message the edge's worker dispatches and every status change.
/// </summary>
public sealed class MosquittoFixture : IAsyncLifetime
{
    public const string ServiceUser = "facade.device-edge";

    public string ServicePassword { get; } = "svc-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public TestIssuer Issuer { get; private set; } = null!;

    internal MosquittoBroker Broker { get; private set; } = null!;

    public DeviceEdgeHost Host { get; private set; } = null!;

    internal DeviceEvents Events { get; } = new();

    /// <summary>Fails once for every message whose payload starts with <see cref="FailOnceHandler.Marker"/> (registered before <see cref="Events"/>).</summary>
    internal FailOnceHandler FailOnce { get; } = new();

    /// <summary>Holds every message whose payload starts with <see cref="HoldingHandler.Marker"/> until released (registered before <see cref="Events"/>).</summary>
    internal HoldingHandler Holding { get; } = new();

    public async ValueTask InitializeAsync()
    {
        Issuer = await TestIssuer.StartAsync();
        Broker = await MosquittoBroker.StartAsync();
        Host = StartHost();
        await WaitUntilReadyAsync(Host);
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }

        if (Issuer is not null)
        {
            await Issuer.DisposeAsync();
        }
    }

    /// <summary>The settings of a device edge using this fixture's mosquitto (what README's External broker section lists).</summary>
    public Dictionary<string, string?> ExternalSettings() => new()
    {
        ["DeviceEdge:Mqtt:Mode"] = "External",
        ["DeviceEdge:Mqtt:External:Host"] = "127.0.0.1",
        ["DeviceEdge:Mqtt:External:Port"] = Broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["DeviceEdge:Mqtt:External:UserName"] = ServiceUser,
        ["DeviceEdge:Mqtt:External:Password"] = ServicePassword,
        ["DeviceEdge:Mqtt:External:ReconnectMinDelay"] = "00:00:00.050",
        ["DeviceEdge:Mqtt:External:ReconnectMaxDelay"] = "00:00:00.500",
        ["DeviceEdge:Mqtt:Mosquitto:AccountsDirectory"] = Broker.Directory,
        ["DeviceEdge:Mqtt:Mosquitto:PidFile"] = Broker.PidFile,
    };

    /// <summary>Another device edge on this mosquitto (e.g. the same one again over <paramref name="dataDirectory"/>), with its own <paramref name="events"/>.</summary>
    internal DeviceEdgeHost StartHost(DeviceEvents? events = null, string? dataDirectory = null, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var all = ExternalSettings();
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return DeviceEdgeHost.Start(Issuer.BaseUrl, all, dataDirectory: dataDirectory, configureServices: services =>
        {
            // First in line: these tests send transport markers, not valid telemetry, which the service's own telemetry
            // handler then refuses (acknowledged and dropped) after the test handlers have seen them.
            services.Insert(0, ServiceDescriptor.Singleton<IDeviceMessageHandler>(events ?? Events));
            services.Insert(0, ServiceDescriptor.Singleton<IDeviceMessageHandler>(Holding));
            services.Insert(0, ServiceDescriptor.Singleton<IDeviceMessageHandler>(FailOnce));
            services.AddSingleton<IDeviceStatusObserver>(events ?? Events);
            configureServices?.Invoke(services);
        });
    }

    /// <summary>Replaces <see cref="Host"/> (a test restarted the edge); the fixture disposes the new one.</summary>
    internal void Replace(DeviceEdgeHost host) => Host = host;

    public Task<Provisioned> ProvisionAsync(string? owner = null, DeviceEdgeHost? host = null) =>
        DeviceEdgeFixture.ProvisionAsync(Issuer, host ?? Host, owner ?? DeviceEdgeFixture.NewUser());

    public HttpClient Client(string owner, DeviceEdgeHost? host = null) => (host ?? Host).CreateHttpClient(Issuer.Token(owner, DeviceEdgeFixture.ReadWrite));

    /// <summary>Connects to mosquitto as <paramref name="userName"/> (MQTT 5); the device comes back disconnected when refused.</summary>
    public Task<(TestDevice Device, MqttClientConnectResult Result)> ConnectAsync(string userName, string? secret, string? clientId = null,
        Action<MqttClientOptionsBuilder>? configure = null) =>
        TestDevice.ConnectAsync(Broker.Port, userName, secret, clientId, configure: configure, cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>A provisioned device connected to mosquitto with its own secret.</summary>
    public async Task<TestDevice> ConnectAsync(Provisioned device, Action<MqttClientOptionsBuilder>? configure = null)
    {
        var (connected, result) = await ConnectAsync(device.Id, device.Secret, configure: configure);
        Assert.True(result.ResultCode == MqttClientConnectResultCode.Success, $"{result.ResultCode}\n{Broker.Log}");
        return connected;
    }

    /// <summary>
    /// mosquitto applies new files when it has processed the SIGHUP the edge sent after writing them: a moment after the
    /// REST call answered. Connects until mosquitto answers <paramref name="expected"/> (or 30 seconds passed).
    /// </summary>
    public async Task<MqttClientConnectResultCode> ConnectUntilAsync(string userName, string secret, MqttClientConnectResultCode expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var (device, result) = await ConnectAsync(userName, secret);
            device.Dispose();
            if (result.ResultCode == expected || DateTime.UtcNow > deadline)
            {
                return result.ResultCode;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Polls <c>/healthz</c> until it says ready (200) or not (503), as asked.</summary>
    public static async Task WaitUntilReadyAsync(DeviceEdgeHost host, bool ready = true)
    {
        using var client = host.CreateHttpClient();
        var expected = ready ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await client.GetAsync("healthz", TestContext.Current.CancellationToken);
            if (response.StatusCode == expected)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"/healthz stayed {response.StatusCode}, expected {expected}.\n{host.Logs.Text}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}

/// <summary>Throws the first time it sees a message marked with <see cref="Marker"/>: a store that was briefly unavailable.</summary>
internal sealed class FailOnceHandler : IDeviceMessageHandler
{
    public const string Marker = "fail-once:";
    private readonly ConcurrentDictionary<string, int> _seen = new(StringComparer.Ordinal);

    public bool Accepts(DeviceTopicKind kind) => true;

    public int Attempts(string payload) => _seen.GetValueOrDefault(payload);

    public ValueTask HandleAsync(DeviceMessage message, CancellationToken cancellationToken)
    {
        var payload = Encoding.UTF8.GetString(message.Payload.Span);
        return payload.StartsWith(Marker, StringComparison.Ordinal) && _seen.AddOrUpdate(payload, 1, (_, count) => count + 1) == 1
            ? throw new InvalidOperationException("storage unavailable")
            : ValueTask.CompletedTask;
    }
}

/// <summary>
/// Holds a message marked with <see cref="Marker"/> until the test releases it: a store that stalls while the broker
/// goes away. Once released, that payload passes at once (its redelivery included).
/// </summary>
internal sealed class HoldingHandler : IDeviceMessageHandler
{
    public const string Marker = "hold:";
    private readonly ConcurrentDictionary<string, Hold> _holds = new(StringComparer.Ordinal);

    public bool Accepts(DeviceTopicKind kind) => true;

    /// <summary>Completes when the service is handling <paramref name="payload"/> (and waiting for <see cref="Release"/>).</summary>
    public Task EnteredAsync(string payload) => For(payload).Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

    public void Release(string payload) => For(payload).Released.TrySetResult();

    public async ValueTask HandleAsync(DeviceMessage message, CancellationToken cancellationToken)
    {
        var payload = Encoding.UTF8.GetString(message.Payload.Span);
        if (payload.StartsWith(Marker, StringComparison.Ordinal))
        {
            var hold = For(payload);
            hold.Entered.TrySetResult();
            await hold.Released.Task.WaitAsync(cancellationToken);
        }
    }

    private Hold For(string payload) => _holds.GetOrAdd(payload, _ => new Hold(
        new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)));

    private sealed record Hold(TaskCompletionSource Entered, TaskCompletionSource Released);
}
