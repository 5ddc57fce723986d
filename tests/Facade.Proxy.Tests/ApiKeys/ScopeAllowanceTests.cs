using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Facade.Proxy.Admin;
using Facade.Proxy.Tests.Security;
using Facade.Testing;

namespace Facade.Proxy.Tests.ApiKeys;

/// <summary>
/// A user's allowance (<c>users add --scopes</c>, <c>users set-scopes</c>) caps OAuth grants, key creation and every
/// key exchange: lowering it takes effect on existing keys within the ledger's recheck interval.
/// </summary>
public sealed class ScopeAllowanceTests(ApiKeyFixture fixture) : IClassFixture<ApiKeyFixture>
{
    [Fact]
    public async Task OAuth_DropsScopesTheUserMayNotHold()
    {
        var ct = TestContext.Current.CancellationToken;
        await AddUserAsync("allow-oauth", "tasks:read keys:write");
        using var oauth = new OAuthTestClient(fixture.Host.BaseUrl) { UserName = "allow-oauth", Password = "correct horse battery staple" };

        var (_, token) = await oauth.GetTokenAsync("tasks:read tasks:write keys:write", cancellationToken: ct);

        Assert.Equal(HttpStatusCode.OK, token.Status);
        Assert.Equal(["keys:write", "offline_access", "tasks:read"], token.Json.GetProperty("scope").GetString()!.Split(' ').Order());
    }

    [Fact]
    public async Task KeyCreation_BeyondTheAllowance_Is400_AndLoweringItCapsExistingKeys()
    {
        var ct = TestContext.Current.CancellationToken;
        await AddUserAsync("allow-keys", null);
        using var oauth = new OAuthTestClient(fixture.Host.BaseUrl) { UserName = "allow-keys", Password = "correct horse battery staple" };
        var (_, token) = await oauth.GetTokenAsync("tasks:read organizations:read keys:write", cancellationToken: ct);
        var created = await PostKeyAsync(token.AccessToken!, "tasks:read organizations:read");
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var key = created.Json.GetProperty("key").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(key, "api/tasks"));

        Assert.Equal(0, await AdminAsync("users", "set-scopes", "allow-keys", "organizations:read keys:write"));

        // At creation: the token still holds tasks:read, the owner may no longer.
        var refused = await PostKeyAsync(token.AccessToken!, "tasks:read");
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("tasks:read", refused.Json.GetProperty("error_description").GetString());

        // At exchange: the existing key loses tasks:read (set by another process: within the recheck interval).
        Assert.Equal(HttpStatusCode.Forbidden, await PollAsync(key, "api/tasks", HttpStatusCode.Forbidden));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(key, "api/organizations"));
    }

    private async Task<HttpStatusCode> PollAsync(string key, string path, HttpStatusCode wanted)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            status = await StatusAsync(key, path);
            if (status == wanted)
            {
                break;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        while (DateTime.UtcNow < deadline);

        return status;
    }

    private async Task<HttpStatusCode> StatusAsync(string key, string path)
    {
        var (response, _) = await fixture.SendBearerAsync(HttpMethod.Get, path, key);
        using (response)
        {
            return response.StatusCode;
        }
    }

    private async Task<(HttpStatusCode Status, JsonElement Json)> PostKeyAsync(string token, string scopes)
    {
        using var response = await fixture.PostKeyAsync(token, new { label = "allowance", scopes = scopes.Split(' ') });
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone());
    }

    private async Task AddUserAsync(string name, string? scopes)
    {
        string[] args = ["users", "add", name, "--password-stdin", "--environment=Development", $"--Facade:DataDirectory={fixture.Host.DataDirectory}"];
        var output = new StringWriter();
        var exit = await AdminCommands.RunAsync(scopes is null ? args : [.. args, "--scopes", scopes], new StringReader("correct horse battery staple\n"), output);
        Assert.True(exit == 0, output.ToString());
    }

    private Task<int> AdminAsync(params string[] args) =>
        AdminCommands.RunAsync([.. args, "--environment=Development", $"--Facade:DataDirectory={fixture.Host.DataDirectory}"], new StringReader(""), new StringWriter());
}
