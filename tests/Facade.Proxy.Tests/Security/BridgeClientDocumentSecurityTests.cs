using System.Net;
using System.Text.Json;
using Facade.Testing;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// Only the exact URL of the edge's own bridge document is resolved locally. A client_id that merely looks like it
/// (another port or host spelling, a trailing slash, a query, https instead of http) goes the normal way: an http or
/// loopback URL is no document at all here, an https one is fetched through the public-address-only handler, which
/// refuses loopback. Either way: an error (invalid_request for an unknown client_id, invalid_client for an unusable
/// document), never a redirect.
/// </summary>
public sealed class BridgeClientDocumentSecurityTests : IAsyncLifetime
{
    private const string RedirectUri = "http://127.0.0.1:49321/callback";
    private FacadeHost _host = null!;

    public ValueTask InitializeAsync()
    {
        _host = FacadeHost.Start(settings: new Dictionary<string, string?> { ["Facade:Registration:AllowInsecureMetadataDocuments"] = "false" });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string> LookAlikes() =>
    [
        "{scheme}://127.0.0.1:{otherPort}/oauth/clients/facade-mcp",
        "{scheme}://localhost:{port}/oauth/clients/facade-mcp",
        "{scheme}://127.0.0.1:{port}/oauth/clients/facade-mcp/",
        "{scheme}://127.0.0.1:{port}/oauth/clients/facade-mcp?x=1",
        "{scheme}://127.0.0.1:{port}/oauth/clients/Facade-MCP",
        "{scheme}://127.0.0.1:{port}/oauth/clients/./facade-mcp",
        "HTTP://127.0.0.1:{port}/oauth/clients/facade-mcp",
        "https://127.0.0.1:{port}/oauth/clients/facade-mcp",
        "https://facade-mcp.invalid/oauth/clients/facade-mcp",
    ];

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public async Task LookAlikeOfTheBridgeDocument_IsNotResolvedLocally_AndIsRefused(string template)
    {
        var ct = TestContext.Current.CancellationToken;
        var clientId = template
            .Replace("{scheme}", _host.BaseUrl.Scheme, StringComparison.Ordinal)
            .Replace("{otherPort}", (_host.BaseUrl.Port == 65000 ? 65001 : 65000).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{port}", _host.BaseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        using var oauth = new OAuthTestClient(_host.BaseUrl);

        var query = await oauth.FollowAuthorizeAsync(OAuthTestClient.AuthorizeUrl(clientId, RedirectUri, "tasks:read", Pkce.Create(), "forged", _host.Issuer), RedirectUri, ct);

        Assert.Null(query);
        Assert.Contains(oauth.LastResponse!.Value.Status, new[] { HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized });
        // An unknown client_id is invalid_request to OpenIddict; a document that cannot be used is invalid_client.
        Assert.Contains(JsonDocument.Parse(oauth.LastResponse!.Value.Body).RootElement.GetProperty("error").GetString(), new[] { "invalid_client", "invalid_request" });
    }
}
