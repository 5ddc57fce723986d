using Facade.Testing;

namespace Facade.DeviceEdge.Tests.Hosting;

/// <summary>
/// The service as device-edge/Program.cs composes it starts: every feature together, not only the ones a test fixture
/// needs. A dependency cycle between features (the broker's inbound handlers reaching the broker again as an outbound
/// channel) does not throw at start: the container recurses until its stack guard deadlocks, and the start never ends.
/// </summary>
public sealed class CompositionTests
{
    [Fact]
    public async Task EveryFeatureTogether_Starts_WithoutADependencyCycle()
    {
        await using var issuer = await TestIssuer.StartAsync();

        // On its own thread with a deadline: a deadlocked start must fail this test, not hang the run.
        var start = Task.Run(() => DeviceEdgeHost.Start(issuer.BaseUrl), TestContext.Current.CancellationToken);
        await using var host = await start.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        using var client = host.CreateHttpClient();
        using var health = await client.GetAsync("healthz", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }
}
