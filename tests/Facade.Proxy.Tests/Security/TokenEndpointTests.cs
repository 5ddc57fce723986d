using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Facade.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// <c>/oauth/token</c> against stolen, replayed and malformed grants: every failure is a 4xx JSON OAuth error with
/// <c>Cache-Control: no-store</c>, and a replayed code or refresh token also kills the tokens already issued from it.
/// The edge runs with its default settings: no refresh-token reuse leeway.
/// </summary>
public sealed class TokenEndpointTests(EdgeFixture fixture) : IClassFixture<EdgeFixture>
{
    private const string RedirectUri = "http://127.0.0.1:9/callback";

    public static TheoryData<string, string> BadVerifiers => new()
    {
        { "verifier of another PKCE pair", "invalid_grant" },
        { "the challenge itself (plain downgrade)", "invalid_grant" },
        { "verifier with one character changed", "invalid_grant" },
        { "no verifier", "invalid_request" },
    };

    [Theory]
    [MemberData(nameof(BadVerifiers))]
    public async Task PkceVerifierMismatch_IsInvalidGrant(string @case, string error)
    {
        var oauth = fixture.Browser;
        var (client, code, pkce) = await AuthorizeAsync(oauth, "tasks:read");
        var form = CodeForm(code, @case switch
        {
            "verifier of another PKCE pair" => Pkce.Create().Verifier,
            "the challenge itself (plain downgrade)" => pkce.Challenge,
            "verifier with one character changed" => (pkce.Verifier[0] == 'A' ? "B" : "A") + pkce.Verifier[1..],
            "no verifier" => null,
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        });

        var result = await oauth.TokenRequestAsync(client, form, TestContext.Current.CancellationToken);

        AssertTokenError(result, HttpStatusCode.BadRequest, error, code);
    }

    [Fact]
    public async Task CodeReplay_IsInvalidGrant_AndRevokesTheTokensOfTheFirstRedemption()
    {
        var oauth = fixture.Browser;
        var (client, code, pkce) = await AuthorizeAsync(oauth, "tasks:read offline_access");
        var first = await oauth.TokenRequestAsync(client, CodeForm(code, pkce.Verifier), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.NotNull(first.RefreshToken);
        await AssertEdgeAsync(first.AccessToken!, HttpStatusCode.OK);

        var replay = await oauth.TokenRequestAsync(client, CodeForm(code, pkce.Verifier), TestContext.Current.CancellationToken);

        AssertTokenError(replay, HttpStatusCode.BadRequest, "invalid_grant", code);
        await AssertEdgeAsync(first.AccessToken!, HttpStatusCode.Unauthorized);
        var refresh = await oauth.RefreshAsync(client, first.RefreshToken!, cancellationToken: TestContext.Current.CancellationToken);
        AssertTokenError(refresh, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/other")]
    [InlineData("http://127.0.0.1:9/callback/")]
    [InlineData("https://evil.example/callback")]
    public Task RedirectUriMismatch_IsInvalidGrant(string redirectUri) =>
        AssertCodeExchangeFailsAsync("redirect_uri", redirectUri, "invalid_grant");

    [Fact]
    public async Task CodeOfAnotherClient_IsInvalidGrant()
    {
        var oauth = fixture.Browser;
        var (_, code, pkce) = await AuthorizeAsync(oauth, "tasks:read");
        var thief = await oauth.RegisterAsync(RedirectUri, cancellationToken: TestContext.Current.CancellationToken);

        var result = await oauth.TokenRequestAsync(thief, CodeForm(code, pkce.Verifier), TestContext.Current.CancellationToken);

        AssertTokenError(result, HttpStatusCode.BadRequest, "invalid_grant", code);
    }

    [Fact]
    public async Task UnknownClient_Is401InvalidClient()
    {
        var oauth = fixture.Browser;
        var (_, code, pkce) = await AuthorizeAsync(oauth, "tasks:read");

        var result = await oauth.TokenRequestAsync(new RegisteredClient("fc_unknown", null, RedirectUri), CodeForm(code, pkce.Verifier), TestContext.Current.CancellationToken);

        // RFC 6749 §5.2 lets invalid_client be 401; OpenIddict always uses it.
        AssertTokenError(result, HttpStatusCode.Unauthorized, "invalid_client", code);
    }

    [Theory]
    [InlineData("wrong secret")]
    [InlineData("no secret")]
    [InlineData("secret of another client")]
    public async Task ConfidentialClient_WithoutItsSecret_Is401InvalidClient(string @case)
    {
        var oauth = fixture.Browser;
        var (client, code, pkce) = await AuthorizeAsync(oauth, "tasks:read", "client_secret_basic");
        var other = await oauth.RegisterAsync(RedirectUri, "client_secret_basic", cancellationToken: TestContext.Current.CancellationToken);
        var presented = @case switch
        {
            "wrong secret" => client with { Secret = "not-the-secret" },
            "no secret" => client with { Secret = null },
            "secret of another client" => client with { Secret = other.Secret },
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };

        var result = await oauth.TokenRequestAsync(presented, CodeForm(code, pkce.Verifier), TestContext.Current.CancellationToken);

        AssertTokenError(result, HttpStatusCode.Unauthorized, "invalid_client", code, client.Secret!, other.Secret!);
    }

    [Fact]
    public async Task WrongBasicCredentials_Answer401WithBasicChallenge()
    {
        // RFC 6749 §5.2: a client that authenticated with the Authorization header gets 401 and a matching challenge.
        var oauth = fixture.Browser;
        var client = await oauth.RegisterAsync(RedirectUri, "client_secret_basic", cancellationToken: TestContext.Current.CancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = "x" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(client.ClientId + ":wrong")));

        using var response = await fixture.Http.SendAsync(request, TestContext.Current.CancellationToken);

        await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client", client.Secret!);
        Assert.Equal("Basic", SecurityAssert.SingleChallenge(response).Scheme);
    }

    [Fact]
    public async Task RefreshTokenReuse_IsInvalidGrant_AndRevokesTheWholeFamily()
    {
        var oauth = fixture.Browser;
        var (client, code, pkce) = await AuthorizeAsync(oauth, "tasks:read offline_access");
        var first = await oauth.TokenRequestAsync(client, CodeForm(code, pkce.Verifier), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        var second = await oauth.RefreshAsync(client, first.RefreshToken!, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        await AssertEdgeAsync(second.AccessToken!, HttpStatusCode.OK);

        // No leeway by default: presenting the spent refresh token again is theft, whoever does it.
        var reuse = await oauth.RefreshAsync(client, first.RefreshToken!, cancellationToken: TestContext.Current.CancellationToken);

        AssertTokenError(reuse, HttpStatusCode.BadRequest, "invalid_grant", first.RefreshToken!);
        var rotated = await oauth.RefreshAsync(client, second.RefreshToken!, cancellationToken: TestContext.Current.CancellationToken);
        AssertTokenError(rotated, HttpStatusCode.BadRequest, "invalid_grant", second.RefreshToken!);
        await AssertEdgeAsync(first.AccessToken!, HttpStatusCode.Unauthorized);
        await AssertEdgeAsync(second.AccessToken!, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task RefreshTokenOfAnotherClient_IsInvalidGrant()
    {
        var oauth = fixture.Browser;
        var (client, code, pkce) = await AuthorizeAsync(oauth, "tasks:read offline_access");
        var token = await oauth.TokenRequestAsync(client, CodeForm(code, pkce.Verifier), TestContext.Current.CancellationToken);
        var thief = await oauth.RegisterAsync(RedirectUri, cancellationToken: TestContext.Current.CancellationToken);

        var result = await oauth.RefreshAsync(thief, token.RefreshToken!, cancellationToken: TestContext.Current.CancellationToken);

        AssertTokenError(result, HttpStatusCode.BadRequest, "invalid_grant", token.RefreshToken!);
    }

    [Theory]
    [InlineData("the authorization code (a reference token)")]
    [InlineData("an unredeemed authorization code")]
    [InlineData("the access token (a JWT)")]
    [InlineData("the refresh token with one character changed")]
    public async Task AnotherTokenPresentedAsRefreshToken_IsInvalidGrant(string @case)
    {
        // Codes are reference tokens, access tokens JWTs, refresh tokens Data Protection payloads: none passes for
        // another, a failed attempt costs the genuine refresh token nothing.
        var oauth = fixture.Browser;
        var (client, code, pkce) = await AuthorizeAsync(oauth, "tasks:read offline_access");
        var (_, unredeemed, _) = await AuthorizeAsync(oauth, "tasks:read offline_access");
        var token = await oauth.TokenRequestAsync(client, CodeForm(code, pkce.Verifier), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, token.Status);
        var presented = @case switch
        {
            "the authorization code (a reference token)" => code,
            "an unredeemed authorization code" => unredeemed,
            "the access token (a JWT)" => token.AccessToken!,
            "the refresh token with one character changed" => ChangeMiddleCharacter(token.RefreshToken!),
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };

        var result = await oauth.RefreshAsync(client, presented, cancellationToken: TestContext.Current.CancellationToken);

        AssertTokenError(result, HttpStatusCode.BadRequest, "invalid_grant", presented);
        var genuine = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, genuine.Status);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("/api")]
    [InlineData("urn:example:api")]
    public Task ForeignResourceAtTokenEndpoint_IsInvalidTarget(string resource) =>
        AssertCodeExchangeFailsAsync("resource", resource, "invalid_target");

    [Fact]
    public async Task AccessToken_CarriesTheCanonicalResourceFirst_ThenExactlyTheIndicatedOne()
    {
        var oauth = fixture.Browser;
        var issuer = fixture.Host.Issuer;
        var client = await oauth.RegisterAsync(RedirectUri, cancellationToken: TestContext.Current.CancellationToken);
        var pkce = Pkce.Create();
        var query = await oauth.FollowAuthorizeAsync(
            OAuthTestClient.AuthorizeUrl(client.ClientId, RedirectUri, "tasks:read", pkce, "s", issuer + "mcp"), RedirectUri, TestContext.Current.CancellationToken);
        Assert.True(query is not null && query.ContainsKey("code"), $"No code: {oauth.LastResponse}");

        // No resource on the token request: the one indicated at the authorize endpoint (RFC 8707 §2.2).
        var token = await oauth.TokenRequestAsync(client, CodeForm(query["code"], pkce.Verifier), TestContext.Current.CancellationToken);
        Assert.Equal([issuer, issuer + "mcp"], new JsonWebToken(token.AccessToken).Audiences);
        await AssertEdgeAsync(token.AccessToken!, HttpStatusCode.OK);

        var same = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal([issuer, issuer + "mcp"], new JsonWebToken(same.AccessToken).Audiences);

        var other = await oauth.RefreshAsync(client, same.RefreshToken!, issuer + "api", TestContext.Current.CancellationToken);
        Assert.Equal([issuer, issuer + "api"], new JsonWebToken(other.AccessToken).Audiences);
        await AssertEdgeAsync(other.AccessToken!, HttpStatusCode.OK);

        var canonical = await oauth.RefreshAsync(client, other.RefreshToken!, issuer, TestContext.Current.CancellationToken);
        Assert.Equal([issuer], new JsonWebToken(canonical.AccessToken).Audiences);
    }

    /// <summary>A genuine code exchange with one form field replaced must fail with <paramref name="error"/>.</summary>
    private async Task AssertCodeExchangeFailsAsync(string field, string value, string error)
    {
        var oauth = fixture.Browser;
        var (client, code, pkce) = await AuthorizeAsync(oauth, "tasks:read");
        var form = CodeForm(code, pkce.Verifier);
        form[field] = value;

        var result = await oauth.TokenRequestAsync(client, form, TestContext.Current.CancellationToken);

        AssertTokenError(result, HttpStatusCode.BadRequest, error, code);
    }

    [Fact]
    public async Task SuccessfulTokenResponse_IsNoStore()
    {
        var oauth = fixture.Browser;
        var (client, code, pkce) = await AuthorizeAsync(oauth, "tasks:read");
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/token") { Content = new FormUrlEncodedContent(WithClient(CodeForm(code, pkce.Verifier), client)) };

        using var response = await fixture.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store is missing.");
        Assert.Contains("no-cache", response.Headers.Pragma.Select(p => p.Name));
    }

    public static TheoryData<string, string, string?, string, string> MalformedRequests => new()
    {
        { "JSON instead of a form", "application/json", "{\"grant_type\":\"authorization_code\",\"code\":\"x\"}", "invalid_request", "POST" },
        { "form without grant_type", "application/x-www-form-urlencoded", "code=x&client_id=y", "invalid_request", "POST" },
        { "empty form", "application/x-www-form-urlencoded", "", "invalid_request", "POST" },
        { "no body at all", "application/x-www-form-urlencoded", null, "invalid_request", "POST" },
        { "text/plain body", "text/plain", "grant_type=refresh_token&refresh_token=x", "invalid_request", "POST" },
        { "multipart body", "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\npassword\r\n--b--\r\n", "invalid_request", "POST" },
        { "grant_type twice", "application/x-www-form-urlencoded", "grant_type=refresh_token&grant_type=authorization_code&client_id=y", "invalid_request", "POST" },
        { "password grant", "application/x-www-form-urlencoded", "grant_type=password&username=demo&password=demo-password&client_id=y", "unsupported_grant_type", "POST" },
        { "client_credentials grant", "application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=y&client_secret=z", "unsupported_grant_type", "POST" },
        { "device_code grant", "application/x-www-form-urlencoded", "grant_type=urn:ietf:params:oauth:grant-type:device_code&device_code=x&client_id=y", "unsupported_grant_type", "POST" },
        { "token exchange grant", "application/x-www-form-urlencoded", "grant_type=urn:ietf:params:oauth:grant-type:token-exchange&subject_token=x&client_id=y", "unsupported_grant_type", "POST" },
        { "implicit as a grant", "application/x-www-form-urlencoded", "grant_type=implicit&client_id=y", "unsupported_grant_type", "POST" },
        { "GET with a query", "application/x-www-form-urlencoded", "grant_type=refresh_token&refresh_token=x", "invalid_request", "GET" },
    };

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task MalformedTokenRequest_Is400JsonOAuthError(string @case, string contentType, string? body, string error, string method)
    {
        _ = @case; // Only names the row in the test results.
        using var request = method == "GET"
            ? new HttpRequestMessage(HttpMethod.Get, "oauth/token?" + body)
            : new HttpRequestMessage(HttpMethod.Post, "oauth/token");
        if (method != "GET" && body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await fixture.Http.SendAsync(request, TestContext.Current.CancellationToken);

        await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.BadRequest, error, "demo-password");
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store is missing.");
    }

    public static TheoryData<string, int> OversizedForms => new()
    {
        { "one 5 MB value (over the form value limit)", 400 },
        { "5 000 small fields (over the form field count limit)", 400 },
        { "11 MB in 3 values (over the server body limit)", 413 },
        { "11 MB in 3 values, chunked", 413 },
    };

    [Theory]
    [MemberData(nameof(OversizedForms))]
    public async Task OversizedTokenRequest_Is4xxJson_Not500(string @case, int status)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/token");
        var chunk = new string('a', 3_700_000);
        var form = @case switch
        {
            _ when @case.StartsWith("one 5 MB", StringComparison.Ordinal) => "grant_type=refresh_token&client_id=y&refresh_token=" + new string('a', 5 * 1024 * 1024),
            _ when @case.StartsWith("5 000", StringComparison.Ordinal) => "grant_type=refresh_token&client_id=y&" + string.Join('&', Enumerable.Range(0, 5_000).Select(i => $"f{i}=v")),
            _ => $"grant_type=refresh_token&client_id=y&refresh_token={chunk}&a={chunk}&b={chunk}",
        };
        request.Content = @case.EndsWith("chunked", StringComparison.Ordinal)
            ? ChunkedContent.Create(Encoding.ASCII.GetBytes(form), "application/x-www-form-urlencoded")
            : new ByteArrayContent(Encoding.ASCII.GetBytes(form)) { Headers = { ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded") } };

        HttpResponseMessage response;
        try
        {
            response = await fixture.Http.SendAsync(request, TestContext.Current.CancellationToken);
        }
        catch (HttpRequestException) when (status == 413)
        {
            // Over the server's own limit Kestrel may answer and close the connection while the client is still
            // uploading; the client then sees the reset, which is a refusal too.
            return;
        }

        using (response)
        {
            await SecurityAssert.JsonErrorAsync(response, (HttpStatusCode)status, "invalid_request");
        }
    }

    /// <summary>Registration, login and consent up to the code; the caller redeems it (or not).</summary>
    private async Task<(RegisteredClient Client, string Code, Pkce Pkce)> AuthorizeAsync(OAuthTestClient oauth, string scope, string authMethod = "none")
    {
        var client = await oauth.RegisterAsync(RedirectUri, authMethod, cancellationToken: TestContext.Current.CancellationToken);
        var pkce = Pkce.Create();
        var query = await oauth.FollowAuthorizeAsync(
            OAuthTestClient.AuthorizeUrl(client.ClientId, RedirectUri, scope, pkce, "s", fixture.Host.Issuer), RedirectUri, TestContext.Current.CancellationToken);
        Assert.True(query is not null && query.ContainsKey("code"), $"No code: {oauth.LastResponse}");
        return (client, query["code"], pkce);
    }

    private static Dictionary<string, string> CodeForm(string code, string? verifier)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = RedirectUri };
        if (verifier is not null)
        {
            form["code_verifier"] = verifier;
        }

        return form;
    }

    private static Dictionary<string, string> WithClient(Dictionary<string, string> form, RegisteredClient client)
    {
        form["client_id"] = client.ClientId;
        return form;
    }

    /// <summary>The middle one: the last character of base64url may only carry padding bits.</summary>
    private static string ChangeMiddleCharacter(string token)
    {
        var middle = token.Length / 2;
        return string.Concat(token.AsSpan(0, middle), token[middle] == 'A' ? "B" : "A", token.AsSpan(middle + 1));
    }

    private static void AssertTokenError(TokenResult result, HttpStatusCode status, string error, params string[] secrets)
    {
        Assert.True(result.Status == status, $"Expected {(int)status} but got {(int)result.Status}: {result.Json}");
        Assert.Equal(error, result.Error);
        Assert.Null(result.AccessToken);
        Assert.Null(result.RefreshToken);
        Assert.True(result.NoStore, "Cache-Control: no-store is missing on the error.");
        SecurityAssert.NoLeak(result.Json.GetRawText(), secrets);
    }

    private async Task AssertEdgeAsync(string accessToken, HttpStatusCode expected)
    {
        var (response, _) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", accessToken);
        using (response)
        {
            if (expected == HttpStatusCode.Unauthorized)
            {
                await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token", accessToken);
            }
            else
            {
                Assert.Equal(expected, response.StatusCode);
            }
        }
    }
}
