using Facade.Mcp.Bridge.Remote;
using ModelContextProtocol;
using ModelContextProtocol.Client;

namespace Facade.Mcp.Bridge.Proxying;

/// <summary>Runs one forwarded request (once the remote connection is up) and translates failures for the local client.</summary>
internal sealed class Forwarder(RemoteSession remote, Uri url)
{
    public async ValueTask<T> CallAsync<T>(Func<McpClient, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            var client = await remote.GetAsync(cancellationToken);
            return await call(client);
        }
        catch (McpProtocolException)
        {
            // The remote server's JSON-RPC error (unknown tool, invalid params …): its code and message pass through.
            throw;
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception exception)
        {
            // The SDK reports it to the local client (a tool call's error result, else a JSON-RPC error) and logs it.
            throw new McpException(EdgeErrors.Describe(exception, url).Message, exception);
        }
    }

    public static T Required<T>(T? parameters)
        where T : class =>
        parameters ?? throw new McpProtocolException("Missing request parameters.", McpErrorCode.InvalidParams);
}
