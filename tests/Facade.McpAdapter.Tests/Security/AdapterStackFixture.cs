using System.Net;
using Facade.Proxy.Keys;
using Facade.Proxy.Ledger;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Facade.McpAdapter.Tests.Security;

/// <summary>
/// The whole stack with a small MCP body limit, shared by a test class, for hostile requests sent to the adapter
/// directly (around the edge), as someone on the adapter's network could.
/// </summary>
public sealed class AdapterStackFixture : IAsyncLifetime
{
    public const int MaxRequestBytes = 8192;

    public FacadeStack Stack { get; private set; } = null!;

    public Uri Adapter => Stack.Adapter.BaseUrl;

    public Uri Edge => Stack.Edge.BaseUrl;

    public string Issuer => Stack.Edge.Issuer;

    public TokenLedger Ledger => Stack.Edge.Services.GetRequiredService<TokenLedger>();

    private SecurityKey SigningKey => Stack.Edge.Services.GetRequiredService<KeyRing>().SigningKeys[0];

    public ValueTask InitializeAsync()
    {
        Stack = FacadeStack.Start(adapterSettings: new Dictionary<string, string?>
        {
            ["Adapter:MaxRequestBytes"] = MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => Stack.DisposeAsync();

    /// <summary>A token signed with the edge's key, as the edge would issue it (not in its ledger: for the adapter only).</summary>
    public string Mint(string scope, string subject = "minted-user", string clientId = "minted-client", TimeSpan? lifetime = null) =>
        Token(scope, subject, clientId, lifetime).Sign(SigningKey);

    public TestToken Token(string scope, string subject = "minted-user", string clientId = "minted-client", TimeSpan? lifetime = null)
    {
        var now = DateTimeOffset.UtcNow;
        return TestTokens.AccessToken(Issuer, scope, now) with
        {
            Subject = subject,
            ClientId = clientId,
            Expires = now + (lifetime ?? TimeSpan.FromMinutes(10)),
        };
    }

    public string Sign(TestToken token) => token.Sign(SigningKey);

    /// <summary>A real token from the whole OAuth flow at the edge (a fresh public client each time).</summary>
    public async Task<(RegisteredClient Client, string AccessToken)> OAuthTokenAsync(string scope)
    {
        using var oauth = new OAuthTestClient(Edge);
        var (client, token) = await oauth.GetTokenAsync(scope, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(token.AccessToken is not null, token.Json.ToString());
        return (client, token.AccessToken);
    }

    /// <summary>RFC 7009 revocation at the edge, as the client that holds the token.</summary>
    public async Task RevokeAtTheEdgeAsync(RegisteredClient client, string token)
    {
        using var http = Stack.Edge.CreateHttpClient();
        using var response = await http.PostAsync("oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token,
            ["token_type_hint"] = "access_token",
            ["client_id"] = client.ClientId,
        }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Repeats <paramref name="probe"/> until it gives <paramref name="status"/> or the deadline passes.</summary>
    public static async Task<HttpResponseMessage> PollUntilAsync(Func<Task<HttpResponseMessage>> probe, HttpStatusCode status, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var response = await probe();
            if (response.StatusCode == status || DateTime.UtcNow > until)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
