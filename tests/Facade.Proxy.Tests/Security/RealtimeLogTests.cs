using System.Net.Http.Headers;
using Facade.Proxy.Tests.Realtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Facade.Proxy.Tests.Security;

/// <summary>Every log level on: the whole stack's log output during realtime sessions in every credential form.</summary>
public sealed class RealtimeLogFixture : RealtimeFixture
{
    internal CapturedLogs Logs { get; } = new();

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Facade:Realtime:MaxConnectionsPerUser"] = "10";
            foreach (var category in new[] { "Default", "Microsoft", "Microsoft.AspNetCore", "Yarp", "System.Net.Http.HttpClient", "Microsoft.EntityFrameworkCore" })
            {
                settings["Logging:LogLevel:" + category] = "Trace";
            }

            return settings;
        }
    }

    protected override Action<IServiceCollection>? Services => services => services.AddSingleton<ILoggerProvider>(Logs);
}

/// <summary>
/// The query string and <c>Sec-WebSocket-Protocol</c> carry tokens on the realtime endpoints: neither the request logs
/// (ASP.NET Core hosting, Kestrel, routing), nor the edge's own lines, nor its calls to the device edge may write them.
/// </summary>
public sealed class RealtimeLogTests(RealtimeLogFixture fixture) : IClassFixture<RealtimeLogFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NoTokenOrKey_AppearsInAnyLogLine_DuringRealtimeSessions()
    {
        var owner = await fixture.CreateUserAsync();
        var (id, _, device) = await fixture.ProvisionAsync(owner);
        using var connectedDevice = device;
        var queryToken = await fixture.TokenAsync(owner, "telemetry:read");
        var protocolToken = await fixture.TokenAsync(owner, "telemetry:read");
        var sseToken = await fixture.TokenAsync(owner, "telemetry:read");
        var (_, key) = await RealtimeKeys.CreateAsync(fixture, owner, "telemetry:read");
        var secrets = new[] { queryToken, protocolToken, sseToken, key };

        await using (var viaQuery = await RealtimeClient.ConnectAsync(new Uri(fixture.WebSocketUrl + "?access_token=" + Uri.EscapeDataString(queryToken))))
        await using (var viaProtocol = await RealtimeClient.ConnectAsync(fixture.WebSocketUrl, o =>
        {
            o.AddSubProtocol("facade.realtime.v1");
            o.AddSubProtocol("bearer." + protocolToken);
        }))
        await using (var viaKey = await RealtimeClient.ConnectAsync(new Uri(fixture.WebSocketUrl + "?access_token=" + Uri.EscapeDataString(key))))
        {
            foreach (var client in new[] { viaQuery, viaProtocol, viaKey })
            {
                await client.ReceiveTypeAsync("welcome");
                await client.SubscribeOkAsync($"devices/{id}/telemetry");
                await client.SubscribeAsync("devices/not-mine/telemetry");
            }

            using var http = fixture.Edge.CreateHttpClient();
            using var sse = await http.GetAsync($"realtime/sse?channel=devices/{id}/telemetry&access_token={Uri.EscapeDataString(sseToken)}", HttpCompletionOption.ResponseHeadersRead, Ct);
            using var events = new SseReader(await sse.Content.ReadAsStreamAsync(Ct));
            await events.NextAsync("subscribed");

            await RealtimeFixture.PublishTelemetryAsync(device!, """{"temperature":20}""");
            foreach (var client in new[] { viaQuery, viaProtocol, viaKey })
            {
                await client.ReceiveTypeAsync("event");
            }

            await events.NextAsync("event");
        }

        Assert.NotEmpty(fixture.Logs.Lines);
        foreach (var secret in secrets)
        {
            Assert.Empty(fixture.Logs.Containing(secret));
        }
    }
}
