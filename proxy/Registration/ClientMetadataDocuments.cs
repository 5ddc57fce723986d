using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.Registration;

/// <summary>
/// Client ID Metadata Documents: a <c>client_id</c> that is an https URL names a JSON document the client hosts.
/// It is fetched with size and time limits, no redirects and no internal addresses, validated, and cached.
/// </summary>
public sealed partial class ClientMetadataDocuments(
    IHttpClientFactory clients,
    IMemoryCache cache,
    IOptions<RegistrationOptions> options,
    IHostEnvironment environment,
    ILogger<ClientMetadataDocuments> logger)
{
    public const string HttpClientName = "client-metadata-documents";

    private bool AllowInsecure => options.Value.AllowInsecureMetadataDocuments && environment.IsDevelopment();

    /// <summary>True when <paramref name="clientId"/> has the shape of a metadata document URL (and so is not a registered id).</summary>
    public bool IsDocumentUrl(string? clientId) =>
        clientId is not null
        && clientId.Length <= 2000
        && Uri.TryCreate(clientId, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && AllowInsecure))
        && uri.AbsolutePath.Length > 1
        && string.IsNullOrEmpty(uri.Fragment)
        && string.IsNullOrEmpty(uri.UserInfo)
        && !uri.OriginalString.Contains("/./", StringComparison.Ordinal)
        && !uri.OriginalString.Contains("/../", StringComparison.Ordinal);

    /// <summary>The validated metadata, from cache or freshly fetched, or the reason it cannot be used.</summary>
    public async Task<DocumentResult> GetAsync(string clientId, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue<DocumentResult>(CacheKey(clientId), out var cached) && cached is not null)
        {
            return cached with { Fresh = false };
        }

        var (result, maxAge) = await FetchAsync(clientId, cancellationToken);
        var lifetime = result.Metadata is null ? TimeSpan.FromSeconds(30) : maxAge ?? options.Value.MetadataDocumentCacheDuration;
        if (lifetime > TimeSpan.Zero)
        {
            cache.Set(CacheKey(clientId), result, lifetime);
        }

        return result;
    }

    private async Task<(DocumentResult Result, TimeSpan? MaxAge)> FetchAsync(string clientId, CancellationToken cancellationToken)
    {
        var limit = options.Value.MetadataDocumentMaxBytes;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.MetadataDocumentTimeout);
            using var request = new HttpRequestMessage(HttpMethod.Get, clientId);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await clients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (DocumentResult.Failed($"The client metadata document answered HTTP {(int)response.StatusCode}."), null);
            }

            if (response.Content.Headers.ContentLength > limit)
            {
                return (DocumentResult.Failed($"The client metadata document is larger than {limit} bytes."), null);
            }

            var buffer = new byte[limit + 1];
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            var read = 0;
            int count;
            while (read < buffer.Length && (count = await stream.ReadAsync(buffer.AsMemory(read), timeout.Token)) > 0)
            {
                read += count;
            }

            if (read > limit)
            {
                return (DocumentResult.Failed($"The client metadata document is larger than {limit} bytes."), null);
            }

            using var document = JsonDocument.Parse(buffer.AsMemory(0, read));
            return (Validate(clientId, document.RootElement), MaxAge(response));
        }
        catch (JsonException)
        {
            return (DocumentResult.Failed("The client metadata document is not valid JSON."), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (DocumentResult.Failed("The client metadata document could not be fetched in time."), null);
        }
        catch (HttpRequestException exception)
        {
            LogFetchFailed(logger, exception.HttpRequestError.ToString());
            return (DocumentResult.Failed("The client metadata document could not be fetched."), null);
        }
    }

    private static DocumentResult Validate(string clientId, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return DocumentResult.Failed("The client metadata document must be a JSON object.");
        }

        if (!root.TryGetProperty("client_id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() != clientId)
        {
            return DocumentResult.Failed("The client_id inside the metadata document must equal its URL.");
        }

        if (root.TryGetProperty("client_secret", out _) || root.TryGetProperty("client_secret_expires_at", out _))
        {
            return DocumentResult.Failed("A client metadata document must not contain a client secret.");
        }

        var metadata = ClientMetadata.Parse(root, "none", out var error);
        if (error is not null)
        {
            return DocumentResult.Failed(error.Description);
        }

        return metadata.IsPublic
            ? new DocumentResult(metadata, null, Fresh: true)
            : DocumentResult.Failed("Only public clients (token_endpoint_auth_method 'none') may use a client metadata document.");
    }

    private static TimeSpan? MaxAge(HttpResponseMessage response) =>
        response.Headers.CacheControl is { } control
            ? control.NoStore || control.NoCache
                ? TimeSpan.Zero
                : control.MaxAge is { } maxAge ? TimeSpan.FromSeconds(Math.Clamp(maxAge.TotalSeconds, 0, 86_400)) : null
            : null;

    private static string CacheKey(string clientId) => "cimd:" + clientId;

    /// <summary>
    /// Connects only to public addresses, checked after DNS resolution so a name cannot be re-pointed at the internal
    /// network between check and use. Development may allow loopback for local testing.
    /// </summary>
    internal static SocketsHttpHandler CreateHandler(bool allowInternal) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
            var allowed = addresses.Where(a => allowInternal || IsPublic(a)).ToArray();
            if (allowed.Length == 0)
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError, "The metadata document host resolves to no public address.");
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

    internal static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal)
        {
            return false;
        }

        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return true;
        }

        var b = address.GetAddressBytes();
        return !(b[0] == 10 || b[0] == 0 || b[0] >= 224
            || (b[0] == 172 && b[1] is >= 16 and <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] is >= 64 and <= 127));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching a client metadata document failed: {Reason}")]
    private static partial void LogFetchFailed(ILogger logger, string reason);
}

public sealed record DocumentResult(ClientMetadata? Metadata, string? Error, bool Fresh)
{
    public static DocumentResult Failed(string error) => new(null, error, Fresh: true);
}
