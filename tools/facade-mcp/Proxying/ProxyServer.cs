using Facade.Mcp.Bridge.Remote;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Facade.Mcp.Bridge.Proxying;

/// <summary>
/// The local side: an MCP server on stdio whose tools, resources, resource templates and prompts are the remote
/// server's. Every request goes to the remote server with the same parameters (cursor and <c>_meta</c> included). Tool
/// errors come back as tool results, protocol errors with the remote's code and message, connection problems as one
/// clear sentence.
/// </summary>
/// <remarks>
/// The handshake is answered at once, before the remote connection is up: clients time their handshake out (the SDK
/// client abandons its <c>server/discover</c> probe after 5 s and falls back to <c>initialize</c> on the same pipe,
/// which a late discover answer would then poison), and a first sign-in waits for a person. Requests wait for the
/// connection instead, and if some did, the lists are announced as changed once it is up.
/// </remarks>
internal static class ProxyServer
{
    public static McpServerOptions CreateOptions(RemoteSession remote, Uri url)
    {
        ArgumentNullException.ThrowIfNull(remote);
        var forward = new Forwarder(remote, url);
        var options = new McpServerOptions
        {
            ServerInfo = new Implementation { Name = "facade-mcp", Title = "Facade (via facade-mcp)", Version = RemoteConnector.Version },
            ServerInstructions = $"Tools, resources and prompts of the Facade MCP server at {url}, forwarded with your own sign-in.",
            Capabilities = new ServerCapabilities
            {
                Tools = new ToolsCapability { ListChanged = true },
                Resources = new ResourcesCapability { ListChanged = true },
                Prompts = new PromptsCapability { ListChanged = true },
            },
        };
        var handlers = options.Handlers;

        handlers.ListToolsHandler = (request, ct) => forward.CallAsync(c => c.ServerCapabilities.Tools is null
            ? ValueTask.FromResult(new ListToolsResult())
            : c.ListToolsAsync(request.Params ?? new(), ct), ct);
        handlers.CallToolHandler = (request, ct) => forward.CallAsync(c => c.CallToolAsync(Forwarder.Required(request.Params), ct), ct);

        handlers.ListResourcesHandler = (request, ct) => forward.CallAsync(c => c.ServerCapabilities.Resources is null
            ? ValueTask.FromResult(new ListResourcesResult())
            : c.ListResourcesAsync(request.Params ?? new(), ct), ct);
        handlers.ListResourceTemplatesHandler = (request, ct) => forward.CallAsync(c => c.ServerCapabilities.Resources is null
            ? ValueTask.FromResult(new ListResourceTemplatesResult())
            : c.ListResourceTemplatesAsync(request.Params ?? new(), ct), ct);
        handlers.ReadResourceHandler = (request, ct) => forward.CallAsync(c => c.ReadResourceAsync(Forwarder.Required(request.Params), ct), ct);

        handlers.ListPromptsHandler = (request, ct) => forward.CallAsync(c => c.ServerCapabilities.Prompts is null
            ? ValueTask.FromResult(new ListPromptsResult())
            : c.ListPromptsAsync(request.Params ?? new(), ct), ct);
        handlers.GetPromptHandler = (request, ct) => forward.CallAsync(c => c.GetPromptAsync(Forwarder.Required(request.Params), ct), ct);

        return options;
    }

    /// <summary>Tells the local client to list again (after requests waited for the connection, or after a new sign-in).</summary>
    public static async Task AnnounceListsChangedAsync(McpServer server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        try
        {
            await server.SendNotificationAsync(NotificationMethods.ToolListChangedNotification, cancellationToken);
            await server.SendNotificationAsync(NotificationMethods.ResourceListChangedNotification, cancellationToken);
            await server.SendNotificationAsync(NotificationMethods.PromptListChangedNotification, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The local client is gone or does not take these notifications; it lists again when it wants to.
            Cli.Stderr.Debug($"list_changed not sent: {exception.Message}");
        }
    }
}
