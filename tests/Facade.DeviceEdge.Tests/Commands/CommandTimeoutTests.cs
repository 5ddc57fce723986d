using System.Net;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Facade.DeviceEdge.Tests.Commands;

/// <summary>
/// Unanswered commands time out when <c>expiresAt</c> passes, on the service's clock (a <see cref="FakeTimeProvider"/>
/// here, moved on by the test: no sleeping), whether a request waits for them or not; a late answer changes nothing.
/// </summary>
public sealed class CommandTimeoutTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>, IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private DeviceEdgeHost _host = null!;

    public ValueTask InitializeAsync()
    {
        _host = fixture.StartHost(services: s => s.AddSingleton<TimeProvider>(_time));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task UnansweredCommand_TimesOut_WhenItExpires()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner, host: _host);
        using var http = fixture.Client(owner, Commanding.Scopes, _host);
        var sent = await http.SendCommandAsync(device.Id, """{"name":"reboot","timeoutSeconds":5}""");

        _time.Advance(TimeSpan.FromSeconds(6));
        var done = await http.UntilStatusAsync(device.Id, sent.Text("id")!, "timed_out");

        Assert.Equal(sent.GetProperty("expiresAt").GetDateTimeOffset().AddSeconds(1), done.GetProperty("completedAt").GetDateTimeOffset());
        Assert.Equal("The device did not answer before the command expired.", done.Text("error"));
        Assert.Null(done.Text("deliveredAt"));
    }

    [Fact]
    public async Task WaitTrue_AnswersTimedOut_AtTheDeadline()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner, host: _host);
        using var client = await fixture.ConnectAsync(device, host: _host);
        await client.SubscribeToCommandsAsync();
        using var http = fixture.Client(owner, Commanding.Scopes, _host);

        var sending = http.SendJsonAsync(HttpMethod.Post, $"devices/{device.Id}/commands?wait=true", """{"name":"reboot","timeoutSeconds":10}""");
        await client.ReceiveAsync(m => m.Topic.StartsWith($"devices/{device.Id}/commands/", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        Assert.False(sending.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(10));
        var (status, done) = await sending;

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("timed_out", done.Text("status"));
        Assert.Equal(done.GetProperty("expiresAt").GetDateTimeOffset(), done.GetProperty("completedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task LateAnswer_ChangesNothing()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner, host: _host);
        using var client = await fixture.ConnectAsync(device, host: _host);
        await client.SubscribeToCommandsAsync();
        using var http = fixture.Client(owner, Commanding.Scopes, _host);
        var commandId = (await http.SendCommandAsync(device.Id, """{"name":"reboot","timeoutSeconds":3}""")).Text("id")!;
        await client.ReceiveCommandAsync(commandId);

        _time.Advance(TimeSpan.FromSeconds(4));
        await http.UntilStatusAsync(device.Id, commandId, "timed_out");
        await client.AnswerAsync(commandId);

        Assert.Equal("timed_out", (await http.GetCommandAsync(device.Id, commandId)).Text("status"));
        Assert.Contains(_host.Logs.Entries, e => e.Message == $"Answer to command {commandId} from device {device.Id} ignored: already timed_out");
    }
}
