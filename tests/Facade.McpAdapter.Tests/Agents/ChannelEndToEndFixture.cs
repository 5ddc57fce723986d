using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Facade.McpAdapter.Tests.Catalog;
using Facade.Testing;

namespace Facade.McpAdapter.Tests.Agents;

/// <summary>
/// The real channel stack, started once per test class: one <see cref="TestIssuer"/>, the real device edge with its
/// embedded broker, and the real adapter whose <c>agents</c> backend is that device edge. Runtimes connect over MQTT
/// with <see cref="ConnectRuntimeAsync"/>. The adapter runs the shipped catalog plus the test agent <c>hasty</c>, whose
/// one channel tool <c>ask</c> waits only 1 s for its runtime (the device edge's timeout, without a 30 s test).
/// </summary>
public sealed class ChannelEndToEndFixture : IAsyncLifetime
{
    public const string Invoke = "agents:invoke";

    /// <summary>The test agent whose channel tool <c>ask</c> has <c>timeoutSeconds</c> 1.</summary>
    public const string Hasty = "hasty";

    private DirectoryInfo _catalog = null!;
    private McpAdapterHost? _cachingAdapter;

    internal TestIssuer Issuer { get; private set; } = null!;

    internal DeviceEdgeHost Devices { get; private set; } = null!;

    /// <summary>The adapter asking the device edge for announced skills on every list and call (cache lifetime zero).</summary>
    internal McpAdapterHost Adapter { get; private set; } = null!;

    /// <summary>A second adapter on the same device edge that keeps announced skills for a minute (started on first use).</summary>
    internal McpAdapterHost CachingAdapter => _cachingAdapter ??= StartAdapter("00:01:00");

    public async ValueTask InitializeAsync()
    {
        _catalog = WriteCatalogWithHastyAgent();
        Issuer = await TestIssuer.StartAsync();
        Devices = DeviceEdgeHost.Start(Issuer.BaseUrl);
        Adapter = StartAdapter("00:00:00");
    }

    public async ValueTask DisposeAsync()
    {
        if (_cachingAdapter is not null)
        {
            await _cachingAdapter.DisposeAsync();
        }

        await Adapter.DisposeAsync();
        await Devices.DisposeAsync();
        await Issuer.DisposeAsync();
        _catalog.Delete(recursive: true);
    }

    /// <summary>A caller's token with <paramref name="scope"/> for a new user (or <paramref name="subject"/>).</summary>
    public string Token(string scope = Invoke, string? subject = null, IReadOnlyDictionary<string, object>? claims = null) =>
        Issuer.Token(subject ?? NewUser(), scope, claims is null ? null : t => t with { Claims = claims });

    public static string NewUser() => "user-" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// A runtime of <paramref name="agentId"/> on the device edge's broker (a token with <c>agent_id</c> and
    /// <c>agents:serve</c>), subscribed to its inbox, having announced <paramref name="skills"/> (a JSON array).
    /// </summary>
    internal Task<TestAgentRuntime> ConnectRuntimeAsync(string skills = "[]", string agentId = "research") =>
        TestAgentRuntime.ConnectAsync(this, agentId, skills);

    /// <summary>The device edge's own view of the agent (<c>GET /agents/{id}/skills</c>), asked with a caller's token.</summary>
    internal async Task<JsonElement> SkillsAsync(string agentId)
    {
        using var http = Devices.CreateHttpClient(Token());
        using var response = await http.GetAsync($"agents/{agentId}/skills", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private McpAdapterHost StartAdapter(string announcedSkillsCacheLifetime) =>
        McpAdapterHost.Start(McpAdapterHost.ReservePort(), Issuer.BaseUrl, legacyApiUrl: null, new Dictionary<string, string?>
        {
            ["Adapter:Catalog:Path"] = Path.Combine(_catalog.FullName, "catalog.json"),
            ["Adapter:Backends:agents"] = Devices.BaseUrl.AbsoluteUri,
            ["Adapter:Revocations:ClientId"] = "facade-test-adapter",
            ["Adapter:Revocations:ClientSecret"] = "test-only-adapter-feed-secret",
            ["Adapter:AnnouncedSkillsCacheLifetime"] = announcedSkillsCacheLifetime,
        });

    /// <summary>A copy of the shipped catalog folder (its imports stay beside it) with the agent <c>hasty</c> added.</summary>
    private static DirectoryInfo WriteCatalogWithHastyAgent()
    {
        var folder = Directory.CreateTempSubdirectory("facade-channel-catalog-");
        foreach (var file in Directory.GetFiles(CatalogTestFiles.ShippedCatalogDirectory))
        {
            File.Copy(file, Path.Combine(folder.FullName, Path.GetFileName(file)));
        }

        var path = Path.Combine(folder.FullName, "catalog.json");
        var catalog = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        })!;
        catalog["agents"]![Hasty] = JsonNode.Parse($$"""
            {
              "description": "A test agent: its runtime gets 1 s to answer.",
              "ownTools": [
                {
                  "name": "ask",
                  "description": "Ask the agent.",
                  "inputSchema": { "type": "object", "properties": { "question": { "type": "string" } }, "additionalProperties": false },
                  "scopes": ["{{Invoke}}"],
                  "call": { "channel": "{{Hasty}}", "backend": "agents", "timeoutSeconds": 1 }
                }
              ],
              "allowedUsers": ["*"]
            }
            """);
        File.WriteAllText(path, catalog.ToJsonString());
        return folder;
    }
}
