using System.Net.Http.Headers;
using Facade.Mcp.Bridge.Auth;
using Facade.Mcp.Bridge.Cli;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Facade.Mcp.Bridge.Remote;

/// <summary>Connects the SDK's MCP client to the remote endpoint, authenticated by FACADE_TOKEN, a machine grant or OAuth.</summary>
internal static class RemoteConnector
{
    public static string Version { get; } = typeof(RemoteConnector).Assembly.GetName().Version?.ToString(3) ?? "1.0.0";

    public static async Task<McpClient> ConnectAsync(BridgeOptions options, NotificationRelay relay, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var transportOptions = new HttpClientTransportOptions
        {
            Endpoint = options.Url,
            Name = "facade-edge",
            TransportMode = HttpTransportMode.StreamableHttp,
        };

        HttpMessageHandler handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(15) };
        if (options.Token is { } token)
        {
            handler = new BearerTokenHandler(token) { InnerHandler = handler };
            Stderr.Debug("authenticating with FACADE_TOKEN.");
        }
        else if (options.Machine is { } machine)
        {
            handler = new MachineTokenHandler(options.Url, options.ClientId!, options.ClientSecret, machine, options.Scopes) { InnerHandler = handler };
            Stderr.Debug($"authenticating as the machine identity {options.ClientId} ({machine.Kind}).");
        }
        else
        {
            transportOptions.OAuth = await OAuthSetup.CreateAsync(options, handler, cancellationToken);
            if (options.ClientId is { } clientId && options.ClientSecret is { } secret)
            {
                var method = await EdgeClientDocument.SecretAuthenticationMethodAsync(options.Url, handler, cancellationToken);
                Stderr.Debug($"the pre-registered client authenticates with {method}.");
                handler = new ClientSecretHandler(clientId, secret, method) { InnerHandler = handler };
            }
        }

        // No overall timeout: tool calls may stream for long; connecting is bounded above and by the initialization timeout.
        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("facade-mcp", Version));
        var transport = new HttpClientTransport(transportOptions, http, loggerFactory, ownsHttpClient: true);

        var clientOptions = new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "facade-mcp", Title = "Facade MCP bridge", Version = Version },
            // Signing in happens inside the handshake and may wait for a person at a browser.
            InitializationTimeout = options.Token is null && options.Machine is null ? options.AuthorizationTimeout + TimeSpan.FromMinutes(1) : TimeSpan.FromSeconds(60),

            // The SDK's first request probes for the newest protocol with a 5 s budget by default; the browser sign-in
            // runs inside that request, so the probe gets the whole initialization budget.
            DiscoverProbeTimeout = options.Token is null && options.Machine is null ? options.AuthorizationTimeout + TimeSpan.FromMinutes(1) : TimeSpan.FromSeconds(60),
            Handlers = new McpClientHandlers { NotificationHandlers = relay.Handlers },
        };

        McpClient client;
        try
        {
            client = await McpClient.CreateAsync(transport, clientOptions, loggerFactory, cancellationToken);
        }
        catch
        {
            await transport.DisposeAsync();
            throw;
        }

        try
        {
            // The first real request: proves the token works before stdio is served, and fills the client's tool
            // cache (the SDK derives per-call HTTP headers from the tool definitions).
            if (client.ServerCapabilities.Tools is not null)
            {
                await client.ListToolsAsync(cancellationToken: cancellationToken);
            }
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }

        return client;
    }
}
