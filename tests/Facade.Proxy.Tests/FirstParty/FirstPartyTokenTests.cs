using System.Net;
using System.Net.Http.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Facade.Proxy.Tests.FirstParty;

/// <summary><c>POST /oauth/first-party-token</c>: a signed-in browser session + antiforgery token → an OAuth-shaped access token.</summary>
public sealed class FirstPartyTokenTests(FirstPartyTokenFixture fixture) : IClassFixture<FirstPartyTokenFixture>
{
    [Fact]
    public async Task SignedInBrowser_GetsAnAtJwt_WithTheClaimsOfAnOAuthToken_LabelledFirstParty()
    {
        var ct = TestContext.Current.CancellationToken;
        var user = await fixture.CreateUserAsync();
        using var browser = await fixture.SignedInBrowserAsync(user);

        var json = await FirstPartyTokenFixture.MintOkAsync(browser);

        Assert.Equal("Bearer", json.GetProperty("token_type").GetString());
        var jwt = new JsonWebToken(json.GetProperty("access_token").GetString());
        var oauth = new JsonWebToken(await fixture.SharedAccessTokenAsync("tasks:read"));
        Assert.Equal("at+jwt", jwt.Typ);
        Assert.Equal(oauth.Typ, jwt.Typ);
        Assert.Equal(oauth.Alg, jwt.Alg);
        Assert.Equal(oauth.Kid, jwt.Kid);
        Assert.Equal(oauth.Issuer, jwt.Issuer);
        Assert.Equal(oauth.Audiences, jwt.Audiences);
        // The same claims, save OpenIddict's private ones (oi_au_id, oi_prst, oi_tkn_id point at its own store).
        Assert.Equal(string.Join(',', ClaimNames(oauth).Where(c => !c.StartsWith("oi_", StringComparison.Ordinal))), string.Join(',', ClaimNames(jwt)));
        Assert.Equal("facade-console", jwt.GetPayloadValue<string>("client_id"));
        Assert.Equal(user, jwt.GetPayloadValue<string>("preferred_username"));
        Assert.Equal("first-party", await fixture.Ledger.LabelOfAsync(jwt.Id, ct));
    }

    private static string[] ClaimNames(JsonWebToken token) => [.. token.Claims.Select(c => c.Type).Distinct().Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Token_LivesFifteenMinutes_AndCarriesEveryApiScope_PlusKeysWrite_ByDefault()
    {
        using var browser = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync());

        var json = await FirstPartyTokenFixture.MintOkAsync(browser);

        var jwt = new JsonWebToken(json.GetProperty("access_token").GetString());
        Assert.Equal(TimeSpan.FromMinutes(15), jwt.ValidTo - jwt.IssuedAt);
        Assert.InRange(json.GetProperty("expires_in").GetInt64(), 800, 900);
        Assert.Equal(Facade.Common.ScopeCatalog.Api.Order(), json.GetProperty("scope").GetString()!.Split(' ').Order());
        Assert.Equal(json.GetProperty("scope").GetString(), jwt.GetPayloadValue<string>("scope"));
    }

    [Fact]
    public async Task Scopes_AreCappedByWhatTheUserMayHold()
    {
        using var browser = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync(allowedScopes: "tasks:read"));

        var byDefault = await FirstPartyTokenFixture.MintOkAsync(browser);
        var asked = await FirstPartyTokenFixture.MintOkAsync(browser,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["scope"] = "tasks:read tasks:write devices:read" }));
        var askedJson = await FirstPartyTokenFixture.MintOkAsync(browser, JsonContent.Create(new { scope = "tasks:write tasks:read" }), path: "first-party-token");

        Assert.Equal("tasks:read keys:write", byDefault.GetProperty("scope").GetString());
        Assert.Equal("tasks:read", asked.GetProperty("scope").GetString());
        Assert.Equal("tasks:read", askedJson.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task Token_WorksOnAProxiedRestRoute_AndOnAccountKeys()
    {
        using var browser = await fixture.SignedInBrowserAsync(await fixture.CreateUserAsync());
        var token = (await FirstPartyTokenFixture.MintOkAsync(browser)).GetProperty("access_token").GetString()!;

        using var tasks = await fixture.BearerAsync(HttpMethod.Get, "api/tasks", token);
        using var key = await fixture.BearerAsync(HttpMethod.Post, "account/keys", token, JsonContent.Create(new { label = "console", scopes = new[] { "tasks:read" } }));

        Assert.Equal(HttpStatusCode.OK, tasks.StatusCode);
        Assert.True(key.StatusCode == HttpStatusCode.Created, await key.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
