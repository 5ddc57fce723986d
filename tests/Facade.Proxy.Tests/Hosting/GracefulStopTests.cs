using System.Net;
using System.Net.WebSockets;
using Facade.Proxy.Tests.EndToEnd;
using Facade.Proxy.Tests.Realtime;
using Facade.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Facade.Proxy.Tests.Hosting;

/// <summary>
/// What SIGTERM does (the host's graceful stop, as under systemd or Kubernetes): a request already being proxied is
/// finished and answered, an open realtime socket is closed with 1001 going_away so its client reconnects elsewhere.
/// </summary>
public sealed class GracefulStopTests
{
    [Fact]
    public async Task Stopping_AnswersTheRequestInFlight_AndClosesSocketsWithGoingAway()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var backend = builder.Build();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        backend.MapGet("/api/tasks", async () =>
        {
            arrived.TrySetResult();
            await release.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return Results.Ok(new[] { "finished" });
        });
        await backend.StartAsync(ct);

        var edge = FacadeHost.Start(backend.Urls.First() + "/");
        try
        {
            using var oauth = new OAuthTestClient(edge.BaseUrl);
            var (_, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: ct);
            await using var socket = await RealtimeClient.ConnectAsync(new Uri($"ws://{edge.BaseUrl.Authority}/realtime"),
                options => options.SetRequestHeader("Authorization", "Bearer " + token.AccessToken));
            var inFlight = OAuthFlowTests.Send(oauth.Api, HttpMethod.Get, "api/tasks", token.AccessToken!, ct);
            await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);

            var stopping = edge.DisposeAsync().AsTask();

            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await socket.ReceiveCloseAsync());
            Assert.Equal("going_away", socket.Socket.CloseStatusDescription);
            release.SetResult();
            using var response = await inFlight;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("finished", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
            await stopping;
        }
        finally
        {
            release.TrySetResult();
            await edge.DisposeAsync();
        }
    }
}
