using System.Net;
using System.Text.Json;
using Facade.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Facade.Proxy.Tests.EndToEnd;

/// <summary>
/// The client metadata document the edge serves for its stdio bridge (<c>{PublicUrl}oauth/clients/facade-mcp</c>). The
/// edges here refuse http and loopback document URLs (<c>AllowInsecureMetadataDocuments=false</c>), so a flow that
/// works proves the document was resolved locally, not fetched over HTTP.
/// </summary>
public sealed class BridgeClientDocumentTests
{
    private const string DocumentPath = "oauth/clients/facade-mcp";

    private static Dictionary<string, string?> Settings(bool enabled = true) => new()
    {
        ["Facade:Registration:AllowInsecureMetadataDocuments"] = "false",
        ["Facade:Registration:MetadataDocumentsEnabled"] = enabled ? "true" : "false",
    };

    [Fact]
    public async Task EdgeServesTheBridgeDocument_AndAuthorizesIt_OnAnyLoopbackPort_WithoutFetchingIt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = FacadeHost.Start(settings: Settings());
        using var http = host.CreateHttpClient();
        var documentUrl = host.Issuer + DocumentPath;

        var discovery = JsonDocument.Parse(await http.GetStringAsync("/.well-known/oauth-authorization-server", ct)).RootElement;
        Assert.True(discovery.GetProperty("client_id_metadata_document_supported").GetBoolean());
        var document = JsonDocument.Parse(await http.GetStringAsync("/" + DocumentPath, ct)).RootElement;
        Assert.Equal(documentUrl, document.GetProperty("client_id").GetString());
        Assert.Equal("none", document.GetProperty("token_endpoint_auth_method").GetString());
        Assert.Equal(["authorization_code", "refresh_token"], document.GetProperty("grant_types").EnumerateArray().Select(g => g.GetString()));
        Assert.Contains("http://127.0.0.1/callback", document.GetProperty("redirect_uris").EnumerateArray().Select(u => u.GetString()));

        using var oauth = new OAuthTestClient(host.BaseUrl);
        const string RedirectUri = "http://127.0.0.1:49321/callback";
        var client = new RegisteredClient(documentUrl, null, RedirectUri);
        var pkce = Pkce.Create();
        var query = await oauth.FollowAuthorizeAsync(
            OAuthTestClient.AuthorizeUrl(documentUrl, RedirectUri, "tasks:read offline_access", pkce, "bridge", host.Issuer), RedirectUri, ct);
        Assert.True(query is not null, $"Authorization stopped: {oauth.LastResponse}");
        var token = await oauth.ExchangeCodeAsync(client, query["code"], pkce.Verifier, host.Issuer, ct);
        Assert.True(token.Status == HttpStatusCode.OK, token.Json.ToString());
        Assert.Equal(documentUrl, new JsonWebToken(token.AccessToken).GetPayloadValue<string>("client_id"));

        var refreshed = await oauth.RefreshAsync(client, token.RefreshToken!, host.Issuer, ct);
        Assert.True(refreshed.Status == HttpStatusCode.OK, refreshed.Json.ToString());
    }

    [Fact]
    public async Task MetadataDocumentsOff_DiscoverySaysSo_TheDocumentIsNotServed_AndItsUrlIsNoClient()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = FacadeHost.Start(settings: Settings(enabled: false));
        using var http = host.CreateHttpClient();

        var discovery = JsonDocument.Parse(await http.GetStringAsync("/.well-known/oauth-authorization-server", ct)).RootElement;
        Assert.False(discovery.GetProperty("client_id_metadata_document_supported").GetBoolean());
        using var document = await http.GetAsync("/" + DocumentPath, ct);
        Assert.Equal(HttpStatusCode.NotFound, document.StatusCode);

        using var oauth = new OAuthTestClient(host.BaseUrl);
        const string RedirectUri = "http://127.0.0.1:49321/callback";
        var query = await oauth.FollowAuthorizeAsync(
            OAuthTestClient.AuthorizeUrl(host.Issuer + DocumentPath, RedirectUri, "tasks:read", Pkce.Create(), "off", host.Issuer), RedirectUri, ct);
        Assert.Null(query);
        // An unknown client_id is invalid_request to OpenIddict; a document that cannot be used is invalid_client.
        Assert.Contains(JsonDocument.Parse(oauth.LastResponse!.Value.Body).RootElement.GetProperty("error").GetString(), new[] { "invalid_client", "invalid_request" });
    }
}
