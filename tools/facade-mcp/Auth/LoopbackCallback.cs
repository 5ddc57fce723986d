using System.Collections.Specialized;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Web;
using Facade.Mcp.Bridge.Cli;

namespace Facade.Mcp.Bridge.Auth;

/// <summary>
/// The RFC 8252 loopback redirect: a one-shot HTTP listener on 127.0.0.1 that waits for the browser to come back with
/// <c>code</c> and <c>state</c> (or <c>error</c>), answers with a small page and hands the query over. Requests to other
/// paths, or carrying another state, are answered and ignored.
/// </summary>
internal sealed class LoopbackCallback : IDisposable
{
    private const int MaxRequestBytes = 16 * 1024;
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener;
    private readonly Uri _redirectUri;

    private LoopbackCallback(TcpListener listener, Uri redirectUri)
    {
        _listener = listener;
        _redirectUri = redirectUri;
    }

    /// <summary>Starts listening on the redirect URI's port (before the browser is sent to the authorize URL).</summary>
    public static LoopbackCallback Listen(Uri redirectUri)
    {
        var listener = new TcpListener(IPAddress.Loopback, redirectUri.Port);
        try
        {
            listener.Start();
        }
        catch (SocketException exception)
        {
            listener.Dispose();
            throw new BridgeException(
                $"cannot listen for the sign-in redirect on 127.0.0.1:{redirectUri.Port} ({exception.SocketErrorCode}); choose another port with --callback-port.",
                ExitCodes.Unauthorized);
        }

        return new LoopbackCallback(listener, redirectUri);
    }

    /// <summary>A port nobody listens on right now (bind to 0, read, release).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static Uri RedirectUriFor(int port) => new($"http://127.0.0.1:{port}/callback");

    /// <summary>Waits for the redirect that carries <paramref name="expectedState"/>; returns its query.</summary>
    public async Task<NameValueCollection> ReceiveAsync(string? expectedState, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var connection = await _listener.AcceptTcpClientAsync(cancellationToken);
            var query = await HandleAsync(connection, expectedState, cancellationToken);
            if (query is not null)
            {
                return query;
            }
        }
    }

    private async Task<NameValueCollection?> HandleAsync(TcpClient connection, string? expectedState, CancellationToken cancellationToken)
    {
        await using var stream = connection.GetStream();
        string? target;
        using (var readTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            readTimeout.CancelAfter(ReadTimeout);
            try
            {
                target = await ReadRequestTargetAsync(stream, readTimeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
            catch (IOException)
            {
                return null;
            }
        }

        if (target is null || !Uri.TryCreate(_redirectUri, target, out var url)
            || !string.Equals(url.AbsolutePath, _redirectUri.AbsolutePath, StringComparison.Ordinal))
        {
            await RespondAsync(stream, 404, "Not found", "This is facade-mcp's sign-in callback; nothing else lives here.", cancellationToken);
            return null;
        }

        var query = HttpUtility.ParseQueryString(url.Query);
        if (query["code"] is null && query["error"] is null)
        {
            await RespondAsync(stream, 400, "Not a sign-in response", "The request carries neither a code nor an error.", cancellationToken);
            return null;
        }

        if (expectedState is not null && !string.Equals(query["state"], expectedState, StringComparison.Ordinal))
        {
            await RespondAsync(stream, 400, "Unexpected sign-in response", "This response belongs to another sign-in attempt; it was ignored.", cancellationToken);
            return null;
        }

        if (query["error"] is { } error)
        {
            var description = query["error_description"];
            await RespondAsync(stream, 200, "Sign-in failed", $"{error}{(description is null ? "" : ": " + description)}. You can close this window.", cancellationToken);
        }
        else
        {
            await RespondAsync(stream, 200, "Signed in", "facade-mcp is signed in. You can close this window and return to your MCP client.", cancellationToken);
        }

        return query;
    }

    /// <summary>Reads the request head and returns the request target of a GET, or null.</summary>
    private static async Task<string?> ReadRequestTargetAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        var head = Encoding.ASCII.GetString(buffer, 0, length);
        var requestLine = head.Split("\r\n", 2)[0].Split(' ');
        return requestLine is ["GET", var target, var version] && version.StartsWith("HTTP/", StringComparison.Ordinal) && target.StartsWith('/')
            ? target
            : null;
    }

    private static async Task RespondAsync(NetworkStream stream, int status, string title, string message, CancellationToken cancellationToken)
    {
        var html = $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>{WebUtility.HtmlEncode(title)}</title></head>
            <body style="font-family: system-ui, sans-serif; margin: 3rem;">
            <h1>{WebUtility.HtmlEncode(title)}</h1>
            <p>{WebUtility.HtmlEncode(message)}</p>
            </body></html>
            """;
        var body = Encoding.UTF8.GetBytes(html);
        var reason = status switch { 200 => "OK", 400 => "Bad Request", _ => "Not Found" };
        var head = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {body.Length}\r\n" +
            "Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n");
        try
        {
            await stream.WriteAsync(head, cancellationToken);
            await stream.WriteAsync(body, cancellationToken);
        }
        catch (IOException)
        {
            // The browser went away; the query has been read all the same.
        }
    }

    public void Dispose() => _listener.Dispose();
}
