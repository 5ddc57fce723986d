using System.Net;
using System.Net.Sockets;

namespace Facade.Common.Net;

/// <summary>
/// The primary handler for fetching URLs chosen by someone else. It connects only to public addresses, checked after
/// DNS resolution on the very socket it connects (a name cannot be re-pointed at the internal network between check
/// and use), follows no redirects, sends no cookies, and never goes through an HTTP proxy (a proxy would resolve the
/// name itself, out of reach of the address check).
/// </summary>
public static class PublicOnlyHttpHandler
{
    /// <param name="allowInternal">Local testing only: also connect to loopback and private addresses.</param>
    public static SocketsHttpHandler Create(bool allowInternal, TimeSpan connectTimeout) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        ConnectTimeout = connectTimeout,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
            var allowed = Array.FindAll(addresses, address => allowInternal || PublicAddresses.IsPublic(address));
            if (allowed.Length == 0)
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError, "The host resolves to no public address.");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
