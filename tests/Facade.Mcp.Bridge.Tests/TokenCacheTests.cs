using Facade.Mcp.Bridge.Auth;
using ModelContextProtocol.Authentication;

namespace Facade.Mcp.Bridge.Tests;

/// <summary>The token cache file on its own: permissions, keys, other processes' writes, redirect URI binding.</summary>
public sealed class TokenCacheTests : IDisposable
{
    private static readonly Uri Redirect = new("http://127.0.0.1:41000/callback");

    private readonly string _work = Directory.CreateTempSubdirectory("facade-mcp-cache-").FullName;

    private string CacheFile => Path.Combine(_work, "nested", "facade-mcp", "tokens.json");

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task StoredTokens_AreOwnerOnly_AndKeyedByMcpUrl()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new TokenStore(CacheFile);
        var mcp = new PersistentTokenCache(store, TokenStore.KeyFor(new Uri("http://127.0.0.1:5000/mcp/")), Redirect);
        var agent = new PersistentTokenCache(store, TokenStore.KeyFor(new Uri("http://127.0.0.1:5000/agents/planner/mcp")), Redirect);

        await mcp.StoreTokensAsync(Tokens("access-1", "refresh-1"), ct);

        Assert.Equal("access-1", (await mcp.GetTokensAsync(ct))?.AccessToken);
        Assert.Null(await agent.GetTokensAsync(ct));
        Assert.Equal("http://127.0.0.1:5000/mcp", TokenStore.KeyFor(new Uri("http://127.0.0.1:5000/mcp?x=1")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(CacheFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(CacheFile)!));
        }

        var restored = await new PersistentTokenCache(new TokenStore(CacheFile), "http://127.0.0.1:5000/mcp", Redirect).GetTokensAsync(ct);
        Assert.NotNull(restored);
        Assert.Equal(("access-1", "refresh-1", "client-1", "none", "http://127.0.0.1:5000/", 3600),
            (restored.AccessToken, restored.RefreshToken, restored.ClientId, restored.TokenEndpointAuthMethod, restored.AuthorizationServer, restored.ExpiresIn));
    }

    [Fact]
    public async Task AnotherProcessesWrite_IsSeen_AndMergedNotOverwritten()
    {
        var ct = TestContext.Current.CancellationToken;
        var here = new PersistentTokenCache(new TokenStore(CacheFile), "http://a/mcp", Redirect);
        var elsewhere = new TokenStore(CacheFile);
        await here.StoreTokensAsync(Tokens("access-1", "refresh-1"), ct);
        Assert.Equal("access-1", (await here.GetTokensAsync(ct))?.AccessToken);

        // Another bridge process rotated the refresh token: this one must not replay the spent one.
        await new PersistentTokenCache(elsewhere, "http://a/mcp", Redirect).StoreTokensAsync(Tokens("access-2", "refresh-2"), ct);
        await new PersistentTokenCache(elsewhere, "http://b/mcp", Redirect).StoreTokensAsync(Tokens("access-b", "refresh-b"), ct);

        Assert.Equal("refresh-2", (await here.GetTokensAsync(ct))?.RefreshToken);
        await here.StoreTokensAsync(Tokens("access-3", "refresh-3"), ct);
        Assert.Equal("access-b", (await new PersistentTokenCache(new TokenStore(CacheFile), "http://b/mcp", Redirect).GetTokensAsync(ct))?.AccessToken);
    }

    [Fact]
    public async Task AClientRegisteredForAnotherLoopbackPort_IsReused()
    {
        // The edge matches loopback redirect URIs on any port (RFC 8252 §7.3): a new callback port needs no new client.
        var ct = TestContext.Current.CancellationToken;
        var store = new TokenStore(CacheFile);
        await new PersistentTokenCache(store, "http://a/mcp", Redirect).StoreTokensAsync(Tokens("access-1", "refresh-1"), ct);

        var otherPort = await new PersistentTokenCache(store, "http://a/mcp", new Uri("http://127.0.0.1:41001/callback")).GetTokensAsync(ct);

        Assert.NotNull(otherPort);
        Assert.Equal(("access-1", "client-1", "refresh-1"), (otherPort.AccessToken, otherPort.ClientId, otherPort.RefreshToken));
    }

    [Theory]
    [InlineData("http://127.0.0.1:41000/other")]
    [InlineData("http://[::1]:41000/callback")]
    [InlineData("http://localhost:41000/callback")]
    public async Task AClientRegisteredForAnotherRedirectUri_IsHiddenFromTheSdk_ButItsAccessTokenStillServes(string redirectUri)
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new TokenStore(CacheFile);
        await new PersistentTokenCache(store, "http://a/mcp", Redirect).StoreTokensAsync(Tokens("access-1", "refresh-1"), ct);

        var other = await new PersistentTokenCache(store, "http://a/mcp", new Uri(redirectUri)).GetTokensAsync(ct);

        Assert.NotNull(other);
        Assert.Equal("access-1", other.AccessToken);
        Assert.Null(other.ClientId);
        Assert.Null(other.RefreshToken);
    }

    [Fact]
    public void RemovingWhatIsNotThere_WritesNothing_AndAnUnreadableFileIsIgnored()
    {
        var store = new TokenStore(CacheFile);
        Assert.Null(store.Remove("http://a/mcp"));
        Assert.False(File.Exists(CacheFile));

        Directory.CreateDirectory(Path.GetDirectoryName(CacheFile)!);
        File.WriteAllText(CacheFile, "{ not json");
        Assert.Null(new TokenStore(CacheFile).Get("http://a/mcp"));
    }

    private static TokenContainer Tokens(string access, string refresh) => new()
    {
        TokenType = "Bearer",
        AccessToken = access,
        RefreshToken = refresh,
        ExpiresIn = 3600,
        Scope = "tasks:read offline_access",
        ObtainedAt = DateTimeOffset.UtcNow,
        ClientId = "client-1",
        TokenEndpointAuthMethod = "none",
        AuthorizationServer = "http://127.0.0.1:5000/",
    };
}
