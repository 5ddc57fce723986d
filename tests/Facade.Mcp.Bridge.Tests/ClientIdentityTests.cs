using System.Text.Json.Nodes;
using Facade.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;

namespace Facade.Mcp.Bridge.Tests;

/// <summary>
/// Which client the bridge signs in as, checked by what the real edge saw: the client_id of the authorize request and of
/// the access token it issued. Against an edge with metadata documents: the document the edge serves for facade-mcp.
/// With <c>--client-id</c> and its secret: that pre-registered confidential client.
/// </summary>
public sealed class ClientIdentityTests : BridgeStackTest
{
    private const string Secret = "pre-registered-s3cret-value-for-the-bridge";

    private string CacheFile => Path.Combine(Work, "tokens.json");

    [Fact]
    public async Task EdgeWithMetadataDocuments_BridgeSignsInAsTheEdgesOwnDocument_NotByRegistering()
    {
        var ct = TestContext.Current.CancellationToken;
        var clients = await ClientIdentity.CountClientsAsync(Stack, ct);
        var documentUrl = Stack.Edge.Issuer + "oauth/clients/facade-mcp";

        var (authorizeUrl, tokens) = await ClientIdentity.SignInAsync(Stack, [.. Arguments()], null, ct);

        Assert.Equal(documentUrl, QueryHelpers.ParseQuery(new Uri(authorizeUrl).Query)["client_id"].ToString());
        Assert.Equal(documentUrl, (string?)tokens["clientId"]);
        Assert.Equal(documentUrl, new JsonWebToken((string)tokens["accessToken"]!).GetPayloadValue<string>("client_id"));
        Assert.Null((string?)tokens["clientSecret"]);

        // The edge created the client from its own document, once; nothing was registered dynamically.
        Assert.Equal(clients + 1, await ClientIdentity.CountClientsAsync(Stack, ct));
    }

    [Fact]
    public async Task PreRegisteredConfidentialClient_SignsInWithItsSecret_FromTheEnvironment_NeverPrintedOrCached()
    {
        var ct = TestContext.Current.CancellationToken;
        await ClientIdentity.CreateConfidentialClientAsync(Stack, "bridge-preregistered", Secret, ct);

        var log = new StderrLog();
        var (authorizeUrl, tokens) = await ClientIdentity.SignInAsync(Stack, [.. Arguments(), "--client-id", "bridge-preregistered", "--verbose"],
            new Dictionary<string, string?> { ["FACADE_MCP_CLIENT_SECRET"] = Secret }, ct, log);

        Assert.Equal("bridge-preregistered", QueryHelpers.ParseQuery(new Uri(authorizeUrl).Query)["client_id"].ToString());
        Assert.Equal("bridge-preregistered", new JsonWebToken((string)tokens["accessToken"]!).GetPayloadValue<string>("client_id"));
        Assert.DoesNotContain(log.Lines, line => line.Contains(Secret, StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, await File.ReadAllTextAsync(CacheFile, ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongClientSecret_FailsWithAClearError_AndExitCode77_WithoutPrintingTheSecret()
    {
        var ct = TestContext.Current.CancellationToken;
        await ClientIdentity.CreateConfidentialClientAsync(Stack, "bridge-preregistered", Secret, ct);
        const string Wrong = "not-the-secret-but-also-not-to-be-printed";

        await using var bridge = Bridge.Start([.. Arguments(), "--client-id", "bridge-preregistered", "--login", "--verbose"],
            new Dictionary<string, string?> { ["FACADE_MCP_CLIENT_SECRET"] = Wrong });
        var authorizeUrl = (await bridge.Stderr.WaitForAsync(ClientIdentity.IsAuthorizeUrl, ct)).Trim();
        using var browser = new OAuthTestClient(Stack.Edge.BaseUrl);
        await ClientIdentity.CompleteInBrowserAsync(browser, authorizeUrl, ct);
        var (exitCode, stdout) = await bridge.WaitForExitAsync(ct, closeStdin: false);

        Assert.Equal(77, exitCode);
        Assert.Empty(stdout);
        Assert.Contains(bridge.Stderr.Lines, line => line.Contains("invalid_client", StringComparison.Ordinal) && line.Contains("--client-id", StringComparison.Ordinal));
        Assert.DoesNotContain(bridge.Stderr.Lines, line => line.Contains(Wrong, StringComparison.Ordinal));
    }

    private string[] Arguments() => ["--url", Stack.McpUrl.AbsoluteUri, "--no-browser", "--token-cache", CacheFile];
}

/// <summary>Against an edge with client metadata documents switched off, the bridge falls back to dynamic registration.</summary>
public sealed class ClientIdentityWithoutMetadataDocumentsTests : BridgeStackTest
{
    protected override IDictionary<string, string?>? EdgeSettings => new Dictionary<string, string?>
    {
        ["Facade:Registration:MetadataDocumentsEnabled"] = "false",
    };

    [Fact]
    public async Task EdgeWithoutMetadataDocuments_BridgeRegistersDynamically()
    {
        var ct = TestContext.Current.CancellationToken;
        var clients = await ClientIdentity.CountClientsAsync(Stack, ct);

        var (authorizeUrl, tokens) = await ClientIdentity.SignInAsync(Stack,
            ["--url", Stack.McpUrl.AbsoluteUri, "--no-browser", "--token-cache", Path.Combine(Work, "tokens.json")], null, ct);

        var clientId = QueryHelpers.ParseQuery(new Uri(authorizeUrl).Query)["client_id"].ToString();
        Assert.False(Uri.TryCreate(clientId, UriKind.Absolute, out _), clientId);
        Assert.Equal(clientId, new JsonWebToken((string)tokens["accessToken"]!).GetPayloadValue<string>("client_id"));
        Assert.Equal(clients + 1, await ClientIdentity.CountClientsAsync(Stack, ct));
    }
}

/// <summary>Sign-in steps shared by the client identity tests (the test plays the person at the browser).</summary>
internal static class ClientIdentity
{
    public static bool IsAuthorizeUrl(string line) => line.StartsWith("  http", StringComparison.Ordinal) && line.Contains("/oauth/authorize?", StringComparison.Ordinal);

    /// <summary>Starts the bridge with --login, signs in through the "browser", waits for it to exit 0; returns the authorize URL and cached tokens.</summary>
    public static async Task<(string AuthorizeUrl, JsonNode Tokens)> SignInAsync(FacadeStack stack, string[] arguments, IDictionary<string, string?>? environment,
        CancellationToken ct, StderrLog? log = null)
    {
        await using var bridge = Bridge.Start([.. arguments, "--login"], environment);
        var authorizeUrl = (await bridge.Stderr.WaitForAsync(IsAuthorizeUrl, ct)).Trim();
        using var browser = new OAuthTestClient(stack.Edge.BaseUrl);
        Assert.Contains("You can close this window", await CompleteInBrowserAsync(browser, authorizeUrl, ct), StringComparison.Ordinal);
        var (exitCode, _) = await bridge.WaitForExitAsync(ct, closeStdin: false);
        foreach (var line in bridge.Stderr.Lines)
        {
            log?.Add(line);
        }

        Assert.True(exitCode == 0, string.Join('\n', bridge.Stderr.Lines));
        var cacheFile = arguments[Array.IndexOf(arguments, "--token-cache") + 1];
        var document = JsonNode.Parse(await File.ReadAllTextAsync(cacheFile, ct))!;
        var tokens = document["servers"]![stack.McpUrl.AbsoluteUri.TrimEnd('/')]!["tokens"]!;
        return (authorizeUrl, tokens);
    }

    public static async Task<string> CompleteInBrowserAsync(OAuthTestClient browser, string authorizeUrl, CancellationToken ct)
    {
        var redirectUri = QueryHelpers.ParseQuery(new Uri(authorizeUrl).Query)["redirect_uri"].ToString();
        var query = await browser.FollowAuthorizeAsync(authorizeUrl, redirectUri, ct)
            ?? throw new InvalidOperationException($"Authorization stopped: {browser.LastResponse}");
        using var http = new HttpClient();
        return await http.GetStringAsync(QueryHelpers.AddQueryString(redirectUri, query.ToDictionary(p => p.Key, p => (string?)p.Value)), ct);
    }

    public static async Task<long> CountClientsAsync(FacadeStack stack, CancellationToken ct)
    {
        await using var scope = stack.Edge.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CountAsync(ct);
    }

    /// <summary>A confidential client as an operator registers one (client_secret_basic, loopback redirect on any port).</summary>
    public static async Task CreateConfidentialClientAsync(FacadeStack stack, string clientId, string secret, CancellationToken ct)
    {
        await using var scope = stack.Edge.Services.CreateAsyncScope();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = OpenIddictConstants.ClientTypes.Confidential,
            ApplicationType = OpenIddictConstants.ApplicationTypes.Native,
            ConsentType = OpenIddictConstants.ConsentTypes.Explicit,
            DisplayName = "facade-mcp (pre-registered)",
            RedirectUris = { new Uri("http://127.0.0.1/callback") },
            Permissions =
            {
                OpenIddictConstants.Permissions.Endpoints.Authorization,
                OpenIddictConstants.Permissions.Endpoints.Token,
                OpenIddictConstants.Permissions.Endpoints.Revocation,
                OpenIddictConstants.Permissions.GrantTypes.AuthorizationCode,
                OpenIddictConstants.Permissions.GrantTypes.RefreshToken,
                OpenIddictConstants.Permissions.ResponseTypes.Code,
            },
            Requirements = { OpenIddictConstants.Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var scopeName in Facade.Common.ScopeCatalog.All)
        {
            descriptor.Permissions.Add(OpenIddictConstants.Permissions.Prefixes.Scope + scopeName);
        }

        await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(descriptor, ct);
    }
}
