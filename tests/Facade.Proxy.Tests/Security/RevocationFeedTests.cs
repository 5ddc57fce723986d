using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Facade.Testing;

namespace Facade.Proxy.Tests.Security;

/// <summary>An edge with three configured clients: a resource server, a confidential app and a public app.</summary>
public sealed class RevocationFeedFixture : EdgeFixture
{
    public const string ResourceServer = "feed-resource-server";
    public const string ResourceServerSecret = "feed-resource-server-secret-0123";
    public const string ConfidentialApp = "feed-confidential-app";
    public const string ConfidentialAppSecret = "feed-confidential-app-secret-012";
    public const string PublicApp = "feed-public-app";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Facade:Clients:feed-rs:ClientId"] = ResourceServer,
        ["Facade:Clients:feed-rs:ClientSecret"] = ResourceServerSecret,
        ["Facade:Clients:feed-rs:Introspection"] = "true",
        ["Facade:Clients:feed-app:ClientId"] = ConfidentialApp,
        ["Facade:Clients:feed-app:ClientSecret"] = ConfidentialAppSecret,
        ["Facade:Clients:feed-public:ClientId"] = PublicApp,
    };
}

/// <summary>
/// <c>GET /oauth/revocations</c>: revoked access-token jtis with their expiry, after an opaque cursor, for resource
/// servers only (a confidential client with the introspection permission, client_secret_basic). Everything else is a
/// JSON 401 (403 for a confidential client that is not a resource server) that leaks nothing.
/// </summary>
public sealed class RevocationFeedTests(RevocationFeedFixture fixture) : IClassFixture<RevocationFeedFixture>
{
    public static TheoryData<string, string?> Unauthenticated => new()
    {
        { "no credentials", null },
        { "wrong secret", Basic(RevocationFeedFixture.ResourceServer, "not-the-secret-0123456789") },
        { "unknown client", Basic("nobody", RevocationFeedFixture.ResourceServerSecret) },
        { "public client without secret", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(RevocationFeedFixture.PublicApp + ":")) },
        { "public client with a made-up secret", Basic(RevocationFeedFixture.PublicApp, "made-up-secret-0123456789") },
        { "bearer instead of basic", "Bearer " + RevocationFeedFixture.ResourceServerSecret },
        { "not base64", "Basic %%%not-base64%%%" },
        { "no colon", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(RevocationFeedFixture.ResourceServer)) },
    };

    [Theory]
    [MemberData(nameof(Unauthenticated))]
    public async Task Feed_WithoutAResourceServersCredentials_Is401Json(string @case, string? authorization)
    {
        var (response, _) = await fixture.SendAsync(HttpMethod.Get, "oauth/revocations", authorization);
        using (response)
        {
            await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client", RevocationFeedFixture.ResourceServerSecret, "made-up-secret");
            Assert.True(response.Headers.WwwAuthenticate.Any(c => c.Scheme == "Basic"), @case);
        }
    }

    [Fact]
    public async Task Feed_AfterASuccessfulPoll_OnlyTheSameCredentialsAreRemembered()
    {
        using (var admitted = await GetFeedAsync("oauth/revocations"))
        {
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        var (wrong, _) = await fixture.SendAsync(HttpMethod.Get, "oauth/revocations",
            Basic(RevocationFeedFixture.ResourceServer, RevocationFeedFixture.ResourceServerSecret + "x"));
        using (wrong)
        {
            await SecurityAssert.JsonErrorAsync(wrong, HttpStatusCode.Unauthorized, "invalid_client");
        }
    }

    [Fact]
    public async Task Feed_WithSecretInTheQuery_Is401()
    {
        var (response, _) = await fixture.SendAsync(HttpMethod.Get,
            $"oauth/revocations?client_id={RevocationFeedFixture.ResourceServer}&client_secret={RevocationFeedFixture.ResourceServerSecret}", authorization: null);
        using (response)
        {
            await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client", RevocationFeedFixture.ResourceServerSecret);
        }
    }

    [Fact]
    public async Task Feed_ForAConfidentialClientThatIsNoResourceServer_Is403()
    {
        var (response, _) = await fixture.SendAsync(HttpMethod.Get, "oauth/revocations",
            Basic(RevocationFeedFixture.ConfidentialApp, RevocationFeedFixture.ConfidentialAppSecret));
        using (response)
        {
            await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.Forbidden, "unauthorized_client", RevocationFeedFixture.ConfidentialAppSecret);
        }
    }

    [Theory]
    [InlineData("after=%25%25%25")]
    [InlineData("after=")]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=ten")]
    public async Task Feed_BadCursorOrLimit_Is400(string query)
    {
        using var response = await GetFeedAsync("oauth/revocations?" + query);

        await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Feed_ListsRevokedJtis_InOrder_WithTheirExpiry_PageByPage()
    {
        var ct = TestContext.Current.CancellationToken;
        var tokens = Enumerable.Range(0, 3).Select(_ => TestTokens.AccessToken(fixture.Host.Issuer, "tasks:read")).ToList();
        var untouched = TestTokens.AccessToken(fixture.Host.Issuer, "tasks:read");
        foreach (var token in tokens.Append(untouched))
        {
            await fixture.RecordAsync(token);
        }

        var start = await ReadAllAsync(cursor: null);
        foreach (var token in tokens)
        {
            await fixture.Ledger.RevokeByJtiAsync(token.Jti!, ct);
        }

        // From where the consumer was, one at a time: exactly the three, in revocation order, with their exp.
        var (page, cursor, pages) = await ReadAllAsync(start.Cursor, limit: 1);
        Assert.Equal(tokens.Select(t => t.Jti), page.Select(r => r.Jti));
        Assert.Equal(tokens.Select(t => t.Expires!.Value.ToUnixTimeSeconds()), page.Select(r => r.Exp));
        Assert.True(pages >= 3, $"{pages} pages");
        Assert.DoesNotContain(untouched.Jti, (await ReadAllAsync(cursor: null)).Revoked.Select(r => r.Jti));

        // Nothing new since: an empty page, same cursor.
        var (empty, same, _) = await ReadAllAsync(cursor);
        Assert.Empty(empty);
        Assert.Equal(cursor, same);
    }

    [Fact]
    public async Task Feed_CursorFromAnotherLedger_StartsOver()
    {
        var token = TestTokens.AccessToken(fixture.Host.Issuer, "tasks:read");
        await fixture.RecordAsync(token);
        await fixture.Ledger.RevokeByJtiAsync(token.Jti!, TestContext.Current.CancellationToken);
        var foreign = Convert.ToBase64String(Encoding.UTF8.GetBytes("999999.not-a-jti-here")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        var (revoked, _, _) = await ReadAllAsync(foreign);

        Assert.Contains(token.Jti, revoked.Select(r => r.Jti));
    }

    [Fact]
    public async Task Feed_IsNotCached()
    {
        using var response = await GetFeedAsync("oauth/revocations");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store is missing.");
    }

    private static string Basic(string id, string secret) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(id)}:{Uri.EscapeDataString(secret)}"));

    private async Task<HttpResponseMessage> GetFeedAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = AuthenticationHeaderValue.Parse(Basic(RevocationFeedFixture.ResourceServer, RevocationFeedFixture.ResourceServerSecret));
        return await fixture.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Follows the feed from <paramref name="cursor"/> until it has no more.</summary>
    private async Task<(List<(string Jti, long Exp)> Revoked, string Cursor, int Pages)> ReadAllAsync(string? cursor, int limit = 1000)
    {
        var revoked = new List<(string, long)>();
        for (var pages = 1; ; pages++)
        {
            var query = $"oauth/revocations?limit={limit}" + (cursor is null ? "" : "&after=" + Uri.EscapeDataString(cursor));
            using var response = await GetFeedAsync(query);
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            var page = JsonDocument.Parse(text).RootElement;
            revoked.AddRange(page.GetProperty("revocations").EnumerateArray().Select(r => (r.GetProperty("jti").GetString()!, r.GetProperty("exp").GetInt64())));
            cursor = page.GetProperty("cursor").GetString()!;
            if (!page.GetProperty("has_more").GetBoolean())
            {
                return (revoked, cursor, pages);
            }
        }
    }
}
