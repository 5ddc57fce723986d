using System.Net;
using Facade.Mcp.Bridge.Auth;
using Facade.Mcp.Bridge.Cli;

namespace Facade.Mcp.Bridge.Tests;

/// <summary>The loopback redirect listener and the command line's own checks.</summary>
public sealed class LoopbackCallbackTests
{
    [Fact]
    public async Task Callback_AnswersStrayRequests_AndReturnsTheRedirectWithTheExpectedState()
    {
        var ct = TestContext.Current.CancellationToken;
        var redirect = LoopbackCallback.RedirectUriFor(LoopbackCallback.FreePort());
        using var callback = LoopbackCallback.Listen(redirect);
        var receiving = callback.ReceiveAsync("state-1", ct);
        using var browser = new HttpClient();

        using (var favicon = await browser.GetAsync(new Uri(redirect, "/favicon.ico"), ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, favicon.StatusCode);
        }

        using (var forged = await browser.GetAsync(new Uri(redirect + "?code=stolen&state=other"), ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        Assert.False(receiving.IsCompleted);
        using (var real = await browser.GetAsync(new Uri(redirect + "?code=c0de&state=state-1&iss=http%3A%2F%2F127.0.0.1%3A5000%2F"), ct))
        {
            Assert.Equal(HttpStatusCode.OK, real.StatusCode);
            Assert.Contains("You can close this window", await real.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
            Assert.Equal("no-store", real.Headers.CacheControl?.ToString());
        }

        var query = await receiving;
        Assert.Equal(("c0de", "state-1", "http://127.0.0.1:5000/"), (query["code"], query["state"], query["iss"]));
    }

    [Fact]
    public void Listening_OnABusyPort_IsAClearError()
    {
        var redirect = LoopbackCallback.RedirectUriFor(LoopbackCallback.FreePort());
        using var first = LoopbackCallback.Listen(redirect);

        var busy = Assert.Throws<BridgeException>(() => LoopbackCallback.Listen(redirect));

        Assert.Contains("--callback-port", busy.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/mcp", true)]
    [InlineData("http://localhost:5000/agents/planner/mcp", true)]
    [InlineData("https://facade.example/mcp", true)]
    [InlineData("http://facade.example/mcp", false)]
    [InlineData("ftp://127.0.0.1/mcp", false)]
    [InlineData("/mcp", false)]
    public void Url_MustBeHttps_UnlessLoopback(string url, bool accepted)
    {
        Assert.Equal(accepted, BridgeCommand.TryParseUrl(url, out _, out var problem));
        Assert.Equal(accepted, problem.Length == 0);
    }

    [Fact]
    public void CallbackPort_OutOfRange_IsAParseError()
    {
        var result = BridgeCommand.Create().Parse(["--callback-port", "70000"]);
        Assert.Contains(result.Errors, e => e.Message.Contains("between 0 and 65535", StringComparison.Ordinal));
    }
}
