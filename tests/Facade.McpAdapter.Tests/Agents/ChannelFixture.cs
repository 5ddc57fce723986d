using Facade.Testing;

namespace Facade.McpAdapter.Tests.Agents;

/// <summary>The adapter with the shipped catalog, its <c>agents</c> backend pointed at <see cref="ChannelContractStandIn"/>.</summary>
public sealed class ChannelFixture : IAsyncLifetime
{
    public const string Invoke = "agents:invoke";

    internal TestIssuer Issuer { get; private set; } = null!;

    internal ChannelContractStandIn Edge { get; private set; } = null!;

    internal McpAdapterHost Adapter { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Issuer = await TestIssuer.StartAsync();
        Edge = await ChannelContractStandIn.StartAsync();
        Adapter = McpAdapterHost.Start(McpAdapterHost.ReservePort(), Issuer.BaseUrl, legacyApiUrl: null, new Dictionary<string, string?>
        {
            ["Adapter:Backends:agents"] = Edge.Url.AbsoluteUri,
            ["Adapter:Revocations:ClientId"] = "facade-test-adapter",
            ["Adapter:Revocations:ClientSecret"] = "test-only-adapter-feed-secret",

            // Tests change the announced skills between requests: ask the stand-in every time.
            ["Adapter:AnnouncedSkillsCacheLifetime"] = "00:00:00",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Adapter.DisposeAsync();
        await Edge.DisposeAsync();
        await Issuer.DisposeAsync();
    }

    public string Token(string scope = Invoke, string? subject = null, IReadOnlyDictionary<string, object>? claims = null) =>
        Issuer.Token(subject ?? "user-" + Guid.NewGuid().ToString("N"), scope, claims is null ? null : t => t with { Claims = claims });
}
