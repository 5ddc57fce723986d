using System.Net;
using Facade.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MQTTnet;
using static Facade.DeviceEdge.Tests.Agents.AgentTesting;

namespace Facade.DeviceEdge.Tests.Agents;

/// <summary>
/// MQTT runtimes that connect with their agent key: the device edge exchanges it at the edge's <c>/oauth/key-token</c>
/// (here a small Kestrel server answering like the contract), validates the token, renews it before it expires, and
/// ends the session when the key stops working. The key never appears in the logs.
/// </summary>
public sealed class AgentKeyExchangeTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    private const string Key = "fk_a_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    [Fact]
    public async Task RuntimeWithItsKey_Connects_AndAnswersCalls()
    {
        var agentId = NewAgentId();
        await using var edge = await KeyTokenServer.StartAsync(fixture.Issuer, agentId);
        await using var host = fixture.StartHost(new Dictionary<string, string?> { ["DeviceEdge:Agents:EdgeUrl"] = edge.BaseUrl.AbsoluteUri });

        using var runtime = await StartRuntimeAsync(host, agentId, Key, "echo");
        using var caller = host.CreateHttpClient(fixture.Issuer.Token("caller", Invoke));
        var call = CallAsync(caller, agentId, "echo");
        var message = await ReceiveCallAsync(runtime);
        await runtime.PublishAsync($"agents/{agentId}/outbox", Result(message.Text("id")!, "1"), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, (await call).Status);
        Assert.Equal(1, edge.Exchanges);
        Assert.DoesNotContain(Key, host.Logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongKey_IsRefused_AndNeverLogged()
    {
        var agentId = NewAgentId();
        await using var edge = await KeyTokenServer.StartAsync(fixture.Issuer, agentId);
        await using var host = fixture.StartHost(new Dictionary<string, string?> { ["DeviceEdge:Agents:EdgeUrl"] = edge.BaseUrl.AbsoluteUri });
        const string wrong = "fk_a_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

        var (runtime, result) = await ConnectRuntimeAsync(host, agentId, wrong);
        runtime.Dispose();

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
        Assert.DoesNotContain(wrong, host.Logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyForAnotherAgent_IsRefused()
    {
        var agentId = NewAgentId();
        await using var edge = await KeyTokenServer.StartAsync(fixture.Issuer, NewAgentId());
        await using var host = fixture.StartHost(new Dictionary<string, string?> { ["DeviceEdge:Agents:EdgeUrl"] = edge.BaseUrl.AbsoluteUri });

        var (runtime, result) = await ConnectRuntimeAsync(host, agentId, Key);
        runtime.Dispose();

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
    }

    [Fact]
    public async Task TokenAboutToExpire_IsRenewedWithTheKey_AndTheSessionEndsWhenTheKeyStopsWorking()
    {
        var agentId = NewAgentId();
        await using var edge = await KeyTokenServer.StartAsync(fixture.Issuer, agentId);

        // Tokens live ten minutes; renewing 9:59 before expiry means about a second after each exchange.
        await using var host = fixture.StartHost(new Dictionary<string, string?>
        {
            ["DeviceEdge:Agents:EdgeUrl"] = edge.BaseUrl.AbsoluteUri,
            ["DeviceEdge:Agents:TokenRenewalMargin"] = "00:09:59",
        });
        using var runtime = await StartRuntimeAsync(host, agentId, Key, "echo");

        await EventuallyAsync(() => Task.FromResult(edge.Exchanges >= 2), "the token was renewed");
        Assert.True(runtime.IsConnected);

        edge.Refuse = true; // The key was revoked at the edge.
        await runtime.Disconnected.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.DoesNotContain(Key, host.Logs.Text, StringComparison.Ordinal);
    }

    /// <summary>The edge's <c>POST /oauth/key-token</c> as the contract describes it, minting tokens with the test issuer's key.</summary>
    private sealed class KeyTokenServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _exchanges;

        private KeyTokenServer(WebApplication app) => _app = app;

        public Uri BaseUrl { get; private set; } = null!;

        public int Exchanges => Volatile.Read(ref _exchanges);

        public volatile bool Refuse;

        public static async Task<KeyTokenServer> StartAsync(TestIssuer issuer, string agentId)
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var server = new KeyTokenServer(app);
            app.MapPost("/oauth/key-token", (HttpContext http) =>
            {
                http.Response.Headers.CacheControl = "no-store";
                if (server.Refuse || http.Request.Headers["X-Agent-API-Key"] != Key)
                {
                    return Results.Json(new Dictionary<string, string> { ["error"] = "invalid_token" }, statusCode: 401);
                }

                Interlocked.Increment(ref server._exchanges);
                var token = RuntimeToken(issuer, agentId);
                return Results.Json(new Dictionary<string, object>
                {
                    ["access_token"] = token, ["token_type"] = "Bearer", ["expires_in"] = 600, ["scope"] = Serve, ["agent_id"] = agentId,
                });
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            server.BaseUrl = new Uri(address.TrimEnd('/') + "/");
            return server;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
