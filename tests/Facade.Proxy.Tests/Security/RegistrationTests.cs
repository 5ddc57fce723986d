using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Facade.Testing;

namespace Facade.Proxy.Tests.Security;

/// <summary>An edge whose registration rate limit does not get in the way of a long table of cases.</summary>
public sealed class RegistrationFixture : EdgeFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Facade:Registration:PermitsPerMinute"] = "10000",
    };
}

/// <summary>
/// RFC 7591 dynamic client registration at <c>/oauth/register</c>: every bad request is refused with the RFC 7591
/// §3.2.2 error naming what is wrong (<c>invalid_redirect_uri</c>, <c>invalid_client_metadata</c>), or 413/415 for
/// the envelope; and what is accepted works as registered.
/// </summary>
public sealed class RegistrationTests(RegistrationFixture fixture) : IClassFixture<RegistrationFixture>
{
    private const string Json = "application/json";
    private const string Good = "\"redirect_uris\":[\"http://127.0.0.1:9/callback\"],\"token_endpoint_auth_method\":\"none\"";

    public static TheoryData<string, string?, string, int, string> BadRegistrations => new()
    {
        // name, content type, body, status, error
        { "malformed JSON", Json, "{\"redirect_uris\":[", 400, "invalid_client_metadata" },
        { "empty body", Json, "", 400, "invalid_client_metadata" },
        { "JSON array", Json, "[{" + Good + "}]", 400, "invalid_client_metadata" },
        { "JSON string", Json, "\"http://127.0.0.1:9/callback\"", 400, "invalid_client_metadata" },
        { "JSON nested 40 deep", Json, "{" + Good + ",\"x\":" + new string('[', 40) + new string(']', 40) + "}", 400, "invalid_client_metadata" },
        { "text/plain", "text/plain", "{" + Good + "}", 415, "invalid_request" },
        { "form", "application/x-www-form-urlencoded", "redirect_uris=http://127.0.0.1:9/callback", 415, "invalid_request" },
        { "no content type", null, "{" + Good + "}", 415, "invalid_request" },
        { "redirect_uris missing", Json, "{\"client_name\":\"x\"}", 400, "invalid_redirect_uri" },
        { "redirect_uris empty", Json, "{\"redirect_uris\":[]}", 400, "invalid_redirect_uri" },
        { "redirect_uris a string", Json, "{\"redirect_uris\":\"http://127.0.0.1:9/callback\"}", 400, "invalid_redirect_uri" },
        { "redirect_uris of numbers", Json, "{\"redirect_uris\":[9]}", 400, "invalid_redirect_uri" },
        { "21 redirect_uris", Json, "{\"redirect_uris\":[" + string.Join(',', Enumerable.Range(0, 21).Select(i => $"\"http://127.0.0.1:9/cb{i}\"")) + "]}", 400, "invalid_redirect_uri" },
        { "http on a public host", Json, "{\"redirect_uris\":[\"http://client.example/callback\"]}", 400, "invalid_redirect_uri" },
        { "http on localhost.evil.example", Json, "{\"redirect_uris\":[\"http://localhost.evil.example/callback\"]}", 400, "invalid_redirect_uri" },
        { "http on 127.0.0.1.evil.example", Json, "{\"redirect_uris\":[\"http://127.0.0.1.evil.example/callback\"]}", 400, "invalid_redirect_uri" },
        { "javascript:", Json, "{\"redirect_uris\":[\"javascript:alert(document.cookie)\"]}", 400, "invalid_redirect_uri" },
        { "data:", Json, "{\"redirect_uris\":[\"data:text/html,<script>alert(1)</script>\"]}", 400, "invalid_redirect_uri" },
        { "file:", Json, "{\"redirect_uris\":[\"file:///etc/passwd\"]}", 400, "invalid_redirect_uri" },
        { "fragment", Json, "{\"redirect_uris\":[\"https://client.example/callback#x\"]}", 400, "invalid_redirect_uri" },
        { "empty fragment", Json, "{\"redirect_uris\":[\"https://client.example/callback#\"]}", 400, "invalid_redirect_uri" },
        { "relative", Json, "{\"redirect_uris\":[\"/callback\"]}", 400, "invalid_redirect_uri" },
        { "user info", Json, "{\"redirect_uris\":[\"https://client.example@evil.example/callback\"]}", 400, "invalid_redirect_uri" },
        { "private-use scheme without a dot", Json, "{\"redirect_uris\":[\"myapp:/callback\"]}", 400, "invalid_redirect_uri" },
        { "one bad among good", Json, "{\"redirect_uris\":[\"https://client.example/callback\",\"http://evil.example/callback\"]}", 400, "invalid_redirect_uri" },
        { "private_key_jwt", Json, "{" + Good.Replace("\"none\"", "\"private_key_jwt\"", StringComparison.Ordinal) + "}", 400, "invalid_client_metadata" },
        { "client_secret_jwt", Json, "{" + Good.Replace("\"none\"", "\"client_secret_jwt\"", StringComparison.Ordinal) + "}", 400, "invalid_client_metadata" },
        { "tls_client_auth", Json, "{" + Good.Replace("\"none\"", "\"tls_client_auth\"", StringComparison.Ordinal) + "}", 400, "invalid_client_metadata" },
        { "auth method not a string", Json, "{" + Good.Replace("\"none\"", "1", StringComparison.Ordinal) + "}", 400, "invalid_client_metadata" },
        { "grant client_credentials", Json, "{" + Good + ",\"grant_types\":[\"authorization_code\",\"client_credentials\"]}", 400, "invalid_client_metadata" },
        { "grant implicit", Json, "{" + Good + ",\"grant_types\":[\"implicit\"]}", 400, "invalid_client_metadata" },
        { "grant password", Json, "{" + Good + ",\"grant_types\":[\"authorization_code\",\"password\"]}", 400, "invalid_client_metadata" },
        { "grant device_code", Json, "{" + Good + ",\"grant_types\":[\"urn:ietf:params:oauth:grant-type:device_code\"]}", 400, "invalid_client_metadata" },
        { "refresh_token without authorization_code", Json, "{" + Good + ",\"grant_types\":[\"refresh_token\"]}", 400, "invalid_client_metadata" },
        { "response type token", Json, "{" + Good + ",\"response_types\":[\"token\"]}", 400, "invalid_client_metadata" },
        { "response type code id_token", Json, "{" + Good + ",\"response_types\":[\"code id_token\"]}", 400, "invalid_client_metadata" },
        { "unknown scope", Json, "{" + Good + ",\"scope\":\"tasks:read tasks:admin\"}", 400, "invalid_client_metadata" },
        { "client_name of 201 characters", Json, "{" + Good + ",\"client_name\":\"" + new string('n', 201) + "\"}", 400, "invalid_client_metadata" },
        { "client_name not a string", Json, "{" + Good + ",\"client_name\":{\"en\":\"x\"}}", 400, "invalid_client_metadata" },
        { "logo_uri not a URI", Json, "{" + Good + ",\"logo_uri\":\"not a uri\"}", 400, "invalid_client_metadata" },
    };

    [Theory]
    [MemberData(nameof(BadRegistrations))]
    public async Task BadRegistration_IsRefusedWithRfc7591Error(string @case, string? contentType, string body, int status, string error)
    {
        _ = @case; // Only names the row in the test results.
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await fixture.Http.PostAsync("oauth/register", content, TestContext.Current.CancellationToken);

        var json = await SecurityAssert.JsonErrorAsync(response, (HttpStatusCode)status, error);
        Assert.False(json.TryGetProperty("client_id", out _));
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("error_description").GetString()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BodyOver16KB_Is413(bool chunked)
    {
        var body = Encoding.UTF8.GetBytes("{" + Good + ",\"client_name\":\"x\",\"software_id\":\"" + new string('a', 17 * 1024) + "\"}");
        using var content = chunked ? ChunkedContent.Create(body, Json) : new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue(Json) } };

        using var response = await fixture.Http.PostAsync("oauth/register", content, TestContext.Current.CancellationToken);

        await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "invalid_request");
    }

    [Fact]
    public async Task PublicClient_IsEchoed_WithoutSecret()
    {
        var (response, json) = await RegisterAsync(new
        {
            redirect_uris = new[] { "http://127.0.0.1:9/callback", "com.example.app:/oauth" },
            token_endpoint_auth_method = "none",
            client_name = "Public client",
            client_id = "fc_chosen-by-the-client",
            client_secret = "chosen-by-the-client",
        });
        using (response)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store is missing.");
            Assert.StartsWith("fc_", json.GetProperty("client_id").GetString(), StringComparison.Ordinal);
            Assert.NotEqual("fc_chosen-by-the-client", json.GetProperty("client_id").GetString());
            Assert.Equal(["http://127.0.0.1:9/callback", "com.example.app:/oauth"], json.GetProperty("redirect_uris").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("none", json.GetProperty("token_endpoint_auth_method").GetString());
            Assert.Equal("Public client", json.GetProperty("client_name").GetString());
            Assert.False(json.TryGetProperty("client_secret", out _), "A public client got a secret.");
            Assert.False(json.TryGetProperty("client_secret_expires_at", out _));
        }
    }

    [Theory]
    [InlineData("client_secret_basic")]
    [InlineData("client_secret_post")]
    [InlineData(null)]
    public async Task ConfidentialClient_GetsANonExpiringSecretOfItsOwn(string? authMethod)
    {
        var (response, json) = await RegisterAsync(new Dictionary<string, object?>
        {
            ["redirect_uris"] = new[] { "https://client.example/callback" },
            ["token_endpoint_auth_method"] = authMethod,
            ["client_secret"] = "chosen-by-the-client",
        });
        using (response)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store is missing.");

            // RFC 7591 §2: without token_endpoint_auth_method the client is client_secret_basic.
            Assert.Equal(authMethod ?? "client_secret_basic", json.GetProperty("token_endpoint_auth_method").GetString());
            var secret = json.GetProperty("client_secret").GetString();
            Assert.False(string.IsNullOrEmpty(secret));
            Assert.NotEqual("chosen-by-the-client", secret);
            Assert.True(secret!.Length >= 32, "The secret is too short to be unguessable.");
            Assert.Equal(0, json.GetProperty("client_secret_expires_at").GetInt64());
        }
    }

    [Theory]
    [InlineData("client_secret_basic")]
    [InlineData("client_secret_post")]
    public async Task ConfidentialClient_RedeemsItsCodeWithItsSecret(string authMethod)
    {
        const string redirectUri = "https://client.example/callback";
        var ct = TestContext.Current.CancellationToken;
        var oauth = fixture.Browser;
        var client = await oauth.RegisterAsync(redirectUri, authMethod, cancellationToken: ct);
        Assert.NotNull(client.Secret);
        var pkce = Pkce.Create();
        var query = await oauth.FollowAuthorizeAsync(
            OAuthTestClient.AuthorizeUrl(client.ClientId, redirectUri, "tasks:read", pkce, "s", fixture.Host.Issuer), redirectUri, ct);
        Assert.NotNull(query);

        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = query["code"],
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = pkce.Verifier,
        };
        TokenResult token;
        if (authMethod == "client_secret_basic")
        {
            token = await oauth.TokenRequestAsync(client, form, ct);
        }
        else
        {
            form["client_id"] = client.ClientId;
            form["client_secret"] = client.Secret!;
            using var response = await oauth.Api.PostAsync("oauth/token", new FormUrlEncodedContent(form), ct);
            token = new TokenResult(response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(ct), response.Headers.CacheControl?.NoStore == true);
        }

        Assert.True(token.Status == HttpStatusCode.OK, $"Token request failed: {token.Json}");
        Assert.True(token.NoStore);
        SecurityAssert.NoLeak(token.Json.GetRawText(), client.Secret);
        var (api, _) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", token.AccessToken!);
        using (api)
        {
            Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        }
    }

    [Fact]
    public async Task ClientNameWithMarkup_IsEncodedOnTheConsentPage()
    {
        const string redirectUri = "http://127.0.0.1:9/callback";
        const string name = "<script>alert('x')</script><img src=x onerror=alert(1)>";
        var ct = TestContext.Current.CancellationToken;
        var (registered, json) = await RegisterAsync(new { redirect_uris = new[] { redirectUri }, token_endpoint_auth_method = "none", client_name = name });
        registered.Dispose();
        using var oauth = fixture.CreateOAuthClient();
        using (var signIn = await oauth.SignInAsync(cancellationToken: ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        var authorize = OAuthTestClient.AuthorizeUrl(json.GetProperty("client_id").GetString()!, redirectUri, "tasks:read", Pkce.Create(), "s", fixture.Host.Issuer);
        using var toConsent = await oauth.Browser.GetAsync(authorize, ct);
        Assert.Equal(HttpStatusCode.Redirect, toConsent.StatusCode);
        using var consent = await oauth.Browser.GetAsync(toConsent.Headers.Location, ct);
        var html = await consent.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        Assert.DoesNotContain("<script>alert", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img src=x", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }

    private async Task<(HttpResponseMessage Response, JsonElement Json)> RegisterAsync(object metadata)
    {
        var response = await fixture.Http.PostAsJsonAsync("oauth/register", metadata, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Registration failed: {(int)response.StatusCode} {text}");
        return (response, JsonDocument.Parse(text).RootElement.Clone());
    }
}
