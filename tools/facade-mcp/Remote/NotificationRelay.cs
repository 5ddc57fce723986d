using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Facade.Mcp.Bridge.Remote;

/// <summary>
/// Progress the remote server reports for a forwarded request goes back to the local client. Requests are forwarded
/// with their <c>_meta.progressToken</c> untouched, so the token already means something to the local client.
/// </summary>
internal sealed class NotificationRelay
{
    public McpServer? Target { get; set; }

    public IEnumerable<KeyValuePair<string, Func<JsonRpcNotification, CancellationToken, ValueTask>>> Handlers =>
    [
        new(NotificationMethods.ProgressNotification, ForwardAsync),
    ];

    private async ValueTask ForwardAsync(JsonRpcNotification notification, CancellationToken cancellationToken)
    {
        if (Target is { } server)
        {
            await server.SendMessageAsync(new JsonRpcNotification { Method = notification.Method, Params = notification.Params }, cancellationToken);
        }
    }
}
