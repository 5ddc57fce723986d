using System.Text;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Facade.Testing;

/// <summary>
/// A device as the broker sees it: a real MQTTnet client on 127.0.0.1. Received messages queue up for
/// <see cref="ReceiveAsync"/>; <see cref="Disconnected"/> completes when the broker drops the connection.
/// </summary>
public sealed class TestDevice : IDisposable
{
    private readonly IMqttClient _client;
    private readonly Channel<ReceivedMessage> _received = Channel.CreateUnbounded<ReceivedMessage>();
    private readonly TaskCompletionSource<MqttClientDisconnectedEventArgs> _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TestDevice(IMqttClient client, string deviceId)
    {
        _client = client;
        DeviceId = deviceId;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            _received.Writer.TryWrite(new ReceivedMessage(e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload))
            {
                Retain = e.ApplicationMessage.Retain,
                TraceParent = e.ApplicationMessage.UserProperties?.FirstOrDefault(p => p.Name == "traceparent") is { } traceParent ? Encoding.UTF8.GetString(traceParent.ValueBuffer.Span) : null,
            });
            return Task.CompletedTask;
        };
        _client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected)
            {
                _disconnected.TrySetResult(e);
            }

            return Task.CompletedTask;
        };
    }

    public string DeviceId { get; }

    public bool IsConnected => _client.IsConnected;

    /// <summary>The next message the broker delivered to this device (waits up to 30 seconds).</summary>
    public async Task<ReceivedMessage> ReceiveAsync(CancellationToken cancellationToken = default) =>
        await _received.Reader.ReadAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);

    /// <summary>
    /// The next message <paramref name="match"/> accepts, dropping the ones before it (waits up to 30 seconds in all):
    /// for topics where the broker may deliver more than the test cares about (QoS 1 repeats, retained states).
    /// </summary>
    public async Task<ReceivedMessage> ReceiveAsync(Func<ReceivedMessage, bool> match, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var message = await _received.Reader.ReadAsync(deadline.Token);
            if (match(message))
            {
                return message;
            }
        }
    }

    public Task<MqttClientDisconnectedEventArgs> Disconnected => _disconnected.Task;

    /// <summary>
    /// Connects as <paramref name="userName"/> with <paramref name="secret"/> (client id = user name unless given).
    /// Returns the device and the broker's answer; a refused device is returned disconnected.
    /// </summary>
    public static async Task<(TestDevice Device, MqttClientConnectResult Result)> ConnectAsync(
        int port, string userName, string? secret, string? clientId = null, MqttProtocolVersion version = MqttProtocolVersion.V500,
        Action<MqttClientOptionsBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(clientId ?? userName)
            .WithProtocolVersion(version)
            .WithTimeout(TimeSpan.FromSeconds(30));
        if (secret is not null)
        {
            options.WithCredentials(userName, secret);
        }
        else
        {
            options.WithCredentials(userName, (byte[]?)null);
        }

        configure?.Invoke(options);
        var client = new MqttClientFactory().CreateMqttClient();
        var device = new TestDevice(client, userName);
        try
        {
            var result = await client.ConnectAsync(options.Build(), cancellationToken);
            return (device, result);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    public Task<MqttClientPublishResult> PublishAsync(string topic, string payload, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce,
        bool retain = false, CancellationToken cancellationToken = default) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(qos).WithRetainFlag(retain).Build(),
            cancellationToken);

    public Task<MqttClientSubscribeResult> SubscribeAsync(string filter, CancellationToken cancellationToken = default) =>
        _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);

    /// <summary>A clean disconnect (DISCONNECT packet): no last will.</summary>
    public Task DisconnectAsync(CancellationToken cancellationToken = default) =>
        _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancellationToken);

    /// <summary>Drops the connection without a DISCONNECT packet, like a device losing power: the broker publishes its last will.</summary>
    public void Dispose() => _client.Dispose();
}

public sealed record ReceivedMessage(string Topic, string Payload)
{
    /// <summary>Set when the broker sent a retained message (on subscribing).</summary>
    public bool Retain { get; init; }

    /// <summary>The message's <c>traceparent</c> user property (MQTT 5), when it had one.</summary>
    public string? TraceParent { get; init; }
}
