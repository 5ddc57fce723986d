using System.Text;
using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Tests.Broker;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;

namespace Facade.DeviceEdge.Tests.Mosquitto;

/// <summary>
/// The ACL file the edge writes gives a device on mosquitto exactly what the embedded broker's ACL gives it: the same
/// escapes (<see cref="TopicAclTests"/>) are refused. mosquitto 2.0's ACL file checks a subscription when a message is
/// delivered, not when it is made: a forbidden filter is granted and then receives nothing, which is what these tests
/// prove (a marker sent last arrives first). Publishes are refused with NotAuthorized, as on the embedded broker.
/// </summary>
public sealed class MosquittoAclTests(MosquittoFixture fixture) : IClassFixture<MosquittoFixture>
{
    [Theory]
    [InlineData("devices/{self}/telemetry", false)]
    [InlineData("devices/{self}/status", true)]
    [InlineData("devices/{self}/commands/cmd-1/ack", false)]
    [InlineData("devices/{self}/shadow/reported", false)]
    public async Task OwnTopics_ArePublished(string topic, bool retain)
    {
        var (device, other) = await TwoDevicesAsync();
        using var client = await fixture.ConnectAsync(device);

        var result = await client.PublishAsync(Expand(topic, device.Id, other.Id), """{"t":21.5}""", retain: retain, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.IsSuccess, result.ReasonCode.ToString());
    }

    [Theory]
    [MemberData(nameof(TopicAclTests.ForbiddenPublishTopics), MemberType = typeof(TopicAclTests))]
    public async Task OtherTopics_AreRefused(string topic)
    {
        var (device, other) = await TwoDevicesAsync();
        using var client = await fixture.ConnectAsync(device);

        var result = await client.PublishAsync(Expand(topic, device.Id, other.Id), "secret-payload", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, result.ReasonCode);
        Assert.True(client.IsConnected);
    }

    [Theory]
    [MemberData(nameof(TopicAclTests.ForbiddenFilters), MemberType = typeof(TopicAclTests))]
    public async Task OtherFilters_ReceiveNothing(string filter)
    {
        var (device, other) = await TwoDevicesAsync();
        using var client = await fixture.ConnectAsync(device);
        using var neighbour = await fixture.ConnectAsync(other);
        var channel = fixture.Host.Services.GetRequiredService<IDeviceChannel>();
        await client.SubscribeAsync(DeviceTopics.AllCommands(device.Id), TestContext.Current.CancellationToken);
        await client.SubscribeAsync(Expand(filter, device.Id, other.Id), TestContext.Current.CancellationToken);

        // Everything the filter could match, from everyone who can publish: the other device, the edge, the device itself.
        await neighbour.PublishAsync($"devices/{other.Id}/telemetry", "{}", cancellationToken: TestContext.Current.CancellationToken);
        await neighbour.PublishAsync($"devices/{other.Id}/status", "online", retain: true, cancellationToken: TestContext.Current.CancellationToken);
        await channel.PublishAsync(DeviceTopics.Command(other.Id, "c1"), "{}"u8.ToArray(), 1, retain: false, TestContext.Current.CancellationToken);
        await channel.PublishAsync(DeviceTopics.ShadowDesired(other.Id), """{"version":1,"state":{}}"""u8.ToArray(), 1, retain: true, TestContext.Current.CancellationToken);
        await client.PublishAsync($"devices/{device.Id}/telemetry", "{}", cancellationToken: TestContext.Current.CancellationToken);
        await client.PublishAsync($"devices/{device.Id}/status", "online", retain: true, cancellationToken: TestContext.Current.CancellationToken);
        await client.PublishAsync($"devices/{device.Id}/shadow/reported", "{}", cancellationToken: TestContext.Current.CancellationToken);
        await client.PublishAsync($"devices/{device.Id}/commands/c1/ack", "{}", cancellationToken: TestContext.Current.CancellationToken);
        await channel.PublishAsync(DeviceTopics.Command(device.Id, "marker"), Encoding.UTF8.GetBytes("marker"), 1, retain: false, TestContext.Current.CancellationToken);

        // Its own desired shadow it may get (the edge publishes it when a device connects); nothing else before the marker.
        var first = await client.ReceiveAsync(m => m.Topic != DeviceTopics.ShadowDesired(device.Id), TestContext.Current.CancellationToken);
        Assert.Equal(DeviceTopics.Command(device.Id, "marker"), first.Topic);
    }

    [Fact]
    public async Task LastWillOnAnotherDevicesTopic_IsNotPublished()
    {
        var (device, other) = await TwoDevicesAsync();
        var client = await fixture.ConnectAsync(device, o => o.WithWillTopic($"devices/{other.Id}/status").WithWillPayload("offline"));
        using var neighbour = await fixture.ConnectAsync(other);

        client.Dispose();
        await WaitForBrokerLogAsync($"Client {device.Id} closed its connection.");
        await neighbour.PublishAsync($"devices/{other.Id}/telemetry", "marker", cancellationToken: TestContext.Current.CancellationToken);

        await fixture.Events.MessageAsync(m => m.DeviceId == other.Id && m.Kind == DeviceTopicKind.Telemetry);
        Assert.DoesNotContain(fixture.Events.Messages(other.Id), m => m.Kind == DeviceTopicKind.Status);
    }

    [Fact]
    public async Task ServiceTopics_AreGrantedToTheEdgesAccountAlone()
    {
        var (device, _) = await TwoDevicesAsync();

        var sections = AclSections(await File.ReadAllLinesAsync(Path.Combine(fixture.Broker.Directory, "acl"), TestContext.Current.CancellationToken));

        Assert.Empty(sections[""]); // No rule for every client (mosquitto applies rules before the first 'user' line to all).
        Assert.Equal(
        [
            "topic read devices/+/telemetry", "topic read devices/+/status", "topic read devices/+/commands/+/ack", "topic read devices/+/shadow/reported",
            "topic write devices/+/commands/+", "topic write devices/+/shadow/desired", "topic write alerts/#",
        ], sections[MosquittoFixture.ServiceUser]);
        Assert.Equal(
        [
            $"topic write devices/{device.Id}/telemetry", $"topic write devices/{device.Id}/status", $"topic write devices/{device.Id}/commands/+/ack",
            $"topic write devices/{device.Id}/shadow/reported", $"topic read devices/{device.Id}/commands/+", $"topic read devices/{device.Id}/shadow/desired",
        ], sections[device.Id]);
        Assert.All(sections.Where(s => s.Key is not ("" or MosquittoFixture.ServiceUser)),
            section => Assert.All(section.Value, rule => Assert.Contains($" devices/{section.Key}/", rule, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ADeviceWithTheEdgesClientId_TakesNeitherItsSessionNorItsMessages()
    {
        var (device, other) = await TwoDevicesAsync();
        var channel = fixture.Host.Services.GetRequiredService<IDeviceChannel>();

        // use_username_as_clientid: the client id a device sends is replaced by its user name, so the edge keeps its session.
        var (impostor, result) = await fixture.ConnectAsync(device.Id, device.Secret, clientId: MosquittoFixture.ServiceUser);
        using (impostor)
        {
            Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
            await impostor.SubscribeAsync(DeviceTopics.AllCommands(device.Id), TestContext.Current.CancellationToken);
            await impostor.SubscribeAsync("devices/+/telemetry", TestContext.Current.CancellationToken);
            using var neighbour = await fixture.ConnectAsync(other);
            await neighbour.PublishAsync(DeviceTopics.Telemetry(other.Id), "for-the-edge-only", cancellationToken: TestContext.Current.CancellationToken);
            await fixture.Events.MessageAsync(m => m.DeviceId == other.Id && Encoding.UTF8.GetString(m.Payload.Span) == "for-the-edge-only");
            await channel.PublishAsync(DeviceTopics.Command(device.Id, "marker"), "marker"u8.ToArray(), 1, retain: false, TestContext.Current.CancellationToken);

            var first = await impostor.ReceiveAsync(TestContext.Current.CancellationToken);
            Assert.Equal(DeviceTopics.Command(device.Id, "marker"), first.Topic);
        }

        Assert.DoesNotContain(fixture.Host.Logs.Entries, e => e.Message.StartsWith("Lost the connection to the MQTT broker", StringComparison.Ordinal));
    }

    private async Task WaitForBrokerLogAsync(string line)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!fixture.Broker.Log.Contains(line, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"mosquitto did not log '{line}':\n{fixture.Broker.Log}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    private async Task<(Provisioned Device, Provisioned Other)> TwoDevicesAsync() => (await fixture.ProvisionAsync(), await fixture.ProvisionAsync());

    /// <summary>The ACL file's rules by the <c>user</c> line they follow ("" before the first one).</summary>
    private static Dictionary<string, List<string>> AclSections(IEnumerable<string> lines)
    {
        var sections = new Dictionary<string, List<string>>(StringComparer.Ordinal) { [""] = [] };
        var current = sections[""];
        foreach (var line in lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            if (line.StartsWith("user ", StringComparison.Ordinal))
            {
                current = [];
                Assert.True(sections.TryAdd(line["user ".Length..], current), $"Two sections for {line}.");
            }
            else
            {
                current.Add(line);
            }
        }

        return sections;
    }

    private static string Expand(string topic, string self, string other) =>
        topic.Replace("{self}", self, StringComparison.Ordinal).Replace("{other}", other, StringComparison.Ordinal);
}
