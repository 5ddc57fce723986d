using System.Net;
using System.Net.Sockets;
using Facade.Mcp.Bridge.Auth;
using Facade.Mcp.Bridge.Cli;
using ModelContextProtocol;

namespace Facade.Mcp.Bridge.Remote;

/// <summary>Turns whatever connecting to or calling the edge threw into one sentence for the user and an exit code.</summary>
internal static class EdgeErrors
{
    public static (string Message, int ExitCode) Describe(Exception exception, Uri url)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var chain = Chain(exception).ToList();

        if (chain.OfType<BridgeException>().FirstOrDefault() is { } bridge)
        {
            return (bridge.Message, bridge.ExitCode);
        }

        if (chain.OfType<EdgeRejectedException>().FirstOrDefault() is { } rejected)
        {
            return (rejected.Message, rejected.ExitCode);
        }

        // The token endpoint refused the client itself: a wrong --client-id or secret. The SDK's message carries the
        // endpoint's JSON error, never the secret that was sent.
        if (chain.Any(e => e.Message.Contains("invalid_client", StringComparison.Ordinal)))
        {
            return ("the authorization server refused the client's credentials (invalid_client); check --client-id and its secret (FACADE_MCP_CLIENT_SECRET).",
                ExitCodes.Unauthorized);
        }

        if (chain.OfType<HttpRequestException>().FirstOrDefault() is { } http)
        {
            return http switch
            {
                { StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } =>
                    ($"the edge refused access to {url} ({(int)http.StatusCode!}).", ExitCodes.Unauthorized),
                { StatusCode: HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed } =>
                    ($"there is no MCP endpoint at {url} ({(int)http.StatusCode!}); check --url.", ExitCodes.Failure),
                { StatusCode: { } status } when (int)status >= 500 =>
                    ($"the edge at {url} failed ({(int)status} {status}); try again later.", ExitCodes.Unavailable),
                { StatusCode: { } status } =>
                    ($"the edge at {url} answered {(int)status} {status}.", ExitCodes.Failure),
                _ when chain.OfType<SocketException>().FirstOrDefault() is { } socket =>
                    ($"cannot reach the edge at {url} ({socket.SocketErrorCode}); is it running, and is --url right?", ExitCodes.Unavailable),
                _ => ($"cannot reach the edge at {url} ({http.Message}).", ExitCodes.Unavailable),
            };
        }

        if (chain.OfType<TimeoutException>().FirstOrDefault() is { } timeout)
        {
            return ($"the edge at {url} did not answer in time ({timeout.Message}).", ExitCodes.Unavailable);
        }

        if (chain.OfType<McpException>().FirstOrDefault() is { } mcp
            && mcp.Message.Contains("unauthorized response", StringComparison.OrdinalIgnoreCase))
        {
            return ($"signing in to {url} failed: {mcp.Message}", ExitCodes.Unauthorized);
        }

        return ($"{url}: {exception.Message}", ExitCodes.Failure);
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        var pending = new Stack<Exception>([exception]);
        while (pending.TryPop(out var current))
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }
}
