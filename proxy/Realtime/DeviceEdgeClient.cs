using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.Realtime;

internal enum DeviceAccess
{
    Granted,
    NotFound,
    Unavailable,
}

/// <summary>
/// The edge's calls to the device edge for realtime (named client <see cref="HttpClientName"/>: loopback, no proxy, no
/// request logging): the device access check, made with the subscriber's own token and a short timeout, and the event
/// feed stream, which has none.
/// </summary>
internal sealed class DeviceEdgeClient(IHttpClientFactory clients, IOptions<RealtimeOptions> options)
{
    public const string HttpClientName = "realtime-device-edge";
    private static readonly TimeSpan AccessTimeout = TimeSpan.FromSeconds(5);

    public bool Configured => options.Value.DeviceEdgeUrl is not null;

    /// <summary><c>GET /devices/{id}/access</c>: the caller owns or shares the device, does not (unknown or not theirs), or nobody can say.</summary>
    public async Task<DeviceAccess> CheckAccessAsync(string deviceId, string accessToken, CancellationToken cancellationToken)
    {
        if (options.Value.DeviceEdgeUrl is not { } baseUrl)
        {
            return DeviceAccess.Unavailable;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AccessTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, $"devices/{Uri.EscapeDataString(deviceId)}/access"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.StatusCode switch
            {
                HttpStatusCode.OK => DeviceAccess.Granted,
                HttpStatusCode.NotFound => DeviceAccess.NotFound,
                _ => DeviceAccess.Unavailable,
            };
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return DeviceAccess.Unavailable;
        }
    }

    /// <summary>Opens a worker's <c>GET /realtime/feed</c> with the edge's service token; the caller reads and disposes the response.</summary>
    public async Task<HttpResponseMessage> OpenFeedAsync(Uri baseUrl, string serviceToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, "realtime/feed"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", serviceToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/x-ndjson"));
        return await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}
