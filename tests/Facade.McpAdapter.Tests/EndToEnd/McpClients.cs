using Facade.Testing;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Client;

namespace Facade.McpAdapter.Tests.EndToEnd;

/// <summary>
/// The official MCP C# SDK client with its OAuth support, pointed at the edge. The "browser" part of the flow
/// (login and consent forms) is played by <see cref="OAuthTestClient"/>, headlessly.
/// </summary>
internal sealed class McpClients(FacadeStack stack)
{
    public const string RedirectUri = "http://127.0.0.1:7781/callback";

    public int AuthorizationCount { get; private set; }

    public OAuthTestClient Browser { get; } = new(stack.Edge.BaseUrl);

    /// <summary>
    /// Connects through the edge. <paramref name="firstScopes"/> narrows only the first authorization (a client that
    /// starts small); later ones, after an insufficient_scope challenge, ask for what the server names.
    /// <paramref name="protocolVersion"/> pins the MCP revision (the SDK then neither probes nor falls back); null lets
    /// the SDK negotiate. <paramref name="transportMode"/> picks streamable HTTP or the 2024-11-05 HTTP+SSE transport.
    /// </summary>
    public async Task<McpClient> ConnectAsync(string path = "mcp", IReadOnlyList<string>? firstScopes = null, string? protocolVersion = null,
        HttpTransportMode transportMode = HttpTransportMode.AutoDetect, CancellationToken cancellationToken = default)
    {
        var authorizationsBefore = AuthorizationCount;
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(stack.Edge.BaseUrl, path),
            TransportMode = transportMode,
            Name = "facade-e2e",
            OAuth = new ClientOAuthOptions
            {
                RedirectUri = new Uri(RedirectUri),
                ScopeSelector = offered => firstScopes is not null && AuthorizationCount == authorizationsBefore ? firstScopes : offered,
                DynamicClientRegistration = new DynamicClientRegistrationOptions { ClientName = "MCP SDK end-to-end client" },
                AuthorizationCallbackHandler = AuthorizeAsync,
            },
        });
        // The SDK's first request is a protocol probe with a 5 s budget by default, and this client's OAuth sign-in
        // (registration, login, consent) happens inside it: give it room on a loaded machine.
        return await McpClient.CreateAsync(transport, new McpClientOptions
        {
            ProtocolVersion = protocolVersion,
            DiscoverProbeTimeout = TimeSpan.FromSeconds(90),
        }, cancellationToken: cancellationToken);
    }

    private async Task<AuthorizationResult?> AuthorizeAsync(AuthorizationCallbackContext context, CancellationToken cancellationToken)
    {
        AuthorizationCount++;
        var query = await Browser.FollowAuthorizeAsync(context.AuthorizationUri.AbsoluteUri, RedirectUri, cancellationToken)
            ?? throw new InvalidOperationException($"Authorization failed: {Browser.LastResponse}");
        return new AuthorizationResult
        {
            Code = query.GetValueOrDefault("code"),
            State = query.GetValueOrDefault("state"),
            Iss = query.GetValueOrDefault("iss"),
        };
    }
}
