using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Caching.Memory;
using Facade.Proxy.Hosting;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.Registration;

/// <summary>
/// Client ID Metadata Documents: a <c>client_id</c> that is an https URL names a JSON document the client hosts.
/// It is fetched with size and time limits, no redirects, no proxy and no internal or special-purpose addresses
/// (<see cref="Facade.Common.Net.PublicOnlyHttpHandler"/>), validated, and kept in a bounded cache. Fetches are
/// throttled per client address like <c>/oauth/register</c>, so the edge cannot be made to fetch (and register) an
/// unbounded number of documents. The edge's own document for its bridge (<see cref="BridgeClientDocument"/>) is
/// recognised by its exact URL and resolved locally, never fetched.
/// </summary>
public sealed partial class ClientMetadataDocuments(
    IHttpClientFactory clients,
    IOptions<RegistrationOptions> options,
    IHostEnvironment environment,
    PublicUrl publicUrl,
    ILogger<ClientMetadataDocuments> logger) : IDisposable
{
    public const string HttpClientName = "client-metadata-documents";

    private readonly MemoryCache _cache = new(new MemoryCacheOptions
    {
        SizeLimit = options.Value.MetadataDocumentCacheEntries,
    });

    private readonly PartitionedRateLimiter<IPAddress> _fetches = PartitionedRateLimiter.Create<IPAddress, IPAddress>(
        address => RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.PermitsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>Documents held in the cache (bounded by <see cref="RegistrationOptions.MetadataDocumentCacheEntries"/>).</summary>
    internal int CachedDocuments => _cache.Count;

    private bool AllowInsecure => options.Value.AllowInsecureMetadataDocuments && environment.IsDevelopment();

    /// <summary>True when <paramref name="clientId"/> has the shape of a metadata document URL (and so is not a registered id).</summary>
    public bool IsDocumentUrl(string? clientId) =>
        options.Value.MetadataDocumentsEnabled
        && (IsOwnDocument(clientId) || IsFetchableUrl(clientId));

    /// <summary>The bridge's document the edge serves itself: this exact URL, character for character.</summary>
    public bool IsOwnDocument(string? clientId) =>
        string.Equals(clientId, BridgeClientDocument.UrlFor(publicUrl), StringComparison.Ordinal);

    private bool IsFetchableUrl(string? clientId) =>
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
    /// <param name="caller">The address of whoever made the request that needs the document (the throttle's key).</param>
    public async Task<DocumentResult> GetAsync(string clientId, IPAddress caller, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue<DocumentResult>(clientId, out var cached) && cached is not null)
        {
            return cached with { Fresh = false };
        }

        if (IsOwnDocument(clientId))
        {
            var own = JsonSerializer.SerializeToElement(BridgeClientDocument.Document(clientId));
            var ownResult = Validate(clientId, own);
            _cache.Set(clientId, ownResult, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = options.Value.MetadataDocumentCacheDuration });
            return ownResult;
        }

        using (var lease = _fetches.AttemptAcquire(caller))
        {
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                return DocumentResult.Throttled(retryAfter);
            }
        }

        var (result, maxAge) = await FetchAsync(clientId, cancellationToken);
        var lifetime = result.Metadata is null ? TimeSpan.FromSeconds(30) : maxAge ?? options.Value.MetadataDocumentCacheDuration;
        if (lifetime > TimeSpan.Zero)
        {
            // A full cache refuses new entries (and compacts in the background); the document is then simply fetched again next time.
            _cache.Set(clientId, result, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = lifetime });
        }

        return result;
    }

    public void Dispose()
    {
        _cache.Dispose();
        _fetches.Dispose();
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching a client metadata document failed: {Reason}")]
    private static partial void LogFetchFailed(ILogger logger, string reason);
}

public sealed record DocumentResult(ClientMetadata? Metadata, string? Error, bool Fresh, TimeSpan? RetryAfter = null)
{
    public static DocumentResult Failed(string error) => new(null, error, Fresh: true);

    public static DocumentResult Throttled(TimeSpan retryAfter) =>
        new(null, "Too many client metadata documents fetched for this address; retry later.", Fresh: true, retryAfter);
}
