using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Facade.McpAdapter.Tests.Security;

/// <summary>
/// The revocation feed's hosted service may be stopped after its host was disposed: a test host's factory stops the
/// host while the service's own <c>RunAsync</c> (Program.cs) stops and disposes it too. That second stop has nothing
/// left to do and must not throw (it used to fail the disposal of device edge and adapter test hosts at random; the
/// client now never disposes its token source).
/// </summary>
public sealed class RevocationFeedClientLifetimeTests
{
    [Fact]
    public async Task StopAfterDispose_DoesNothing()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Feed:FeedUrl"] = "http://127.0.0.1:9/oauth/revocations",
            ["Feed:ClientId"] = "client",
            ["Feed:ClientSecret"] = "secret",
        }).Build());
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
        services.AddRevocationFeed("Feed");
        var provider = services.BuildServiceProvider();
        var feed = provider.GetServices<IHostedService>().Single(s => s.GetType().Name == "RevocationFeedClient");

        await provider.DisposeAsync();

        await feed.StopAsync(TestContext.Current.CancellationToken);
    }
}
