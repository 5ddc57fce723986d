using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Facade.Common.Revocation;

/// <summary>
/// Follows the edge's revocation feed: asks for the jtis revoked after its cursor every
/// <see cref="RevocationFeedOptions.PollInterval"/> (at once again while the edge says there is more), authenticated as
/// a confidential client (client_secret_basic), and feeds <see cref="RevokedTokens"/>. The first poll happens during
/// start-up, so a service that can reach the edge is current before it takes requests; one that cannot still starts
/// and refuses tokens (503) until the feed answers.
/// </summary>
internal sealed partial class RevocationFeedClient(
    IHttpClientFactory httpClients,
    RevokedTokens revoked,
    IOptions<RevocationFeedOptions> options,
    TimeProvider time,
    ILogger<RevocationFeedClient> logger) : IHostedService
{
    public const string HttpClientName = "Facade.RevocationFeed";

    /// <summary>
    /// How long one poll may take. Independent of the staleness bound: requests get 503 once the bound passes whether
    /// or not a poll is still waiting, and a cold edge (first request after its start) may well need a few seconds.
    /// </summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    // Never disposed: it has no timer or wait handle to release, and a host may call StopAsync after disposing its services.
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private string? _cursor;
    private bool _failing;
    private bool _stale;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        LogFollowing(logger, options.Value.FeedUrl!, options.Value.PollInterval, options.Value.StalenessBound);
        await PollUntilCaughtUpAsync(cancellationToken);
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.PollInterval, time, stopping);
                await PollUntilCaughtUpAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Polls until the edge has nothing more; a failure is logged (once per outage) and ends the round.</summary>
    private async Task PollUntilCaughtUpAsync(CancellationToken stopping)
    {
        try
        {
            bool more;
            do
            {
                more = await PollOnceAsync(stopping);
            }
            while (more);

            if (_failing || _stale)
            {
                LogRecovered(logger);
            }

            _failing = _stale = false;
        }
        catch (Exception exception) when (!stopping.IsCancellationRequested)
        {
            // Whatever failed (network, timeout, a bad answer, a subscriber), the loop goes on: it is what recovers.
            if (!_failing)
            {
                LogUnreachable(logger, exception is FeedRefusedException refused ? $"HTTP {refused.Status}" : exception.GetType().Name);
                _failing = true;
            }

            if (!_stale && !revoked.IsCurrent)
            {
                LogStale(logger, options.Value.StalenessBound);
                _stale = true;
            }
        }
    }

    private async Task<bool> PollOnceAsync(CancellationToken stopping)
    {
        var settings = options.Value;
        var url = _cursor is null ? settings.FeedUrl! : new Uri(settings.FeedUrl! + "?after=" + Uri.EscapeDataString(_cursor));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);

        // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
        var credentials = $"{Uri.EscapeDataString(settings.ClientId!)}:{Uri.EscapeDataString(settings.ClientSecret!)}";
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        request.Headers.Accept.ParseAdd("application/json");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(RequestTimeout);
        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new FeedRefusedException((int)response.StatusCode);
        }

        var page = await response.Content.ReadFromJsonAsync(RevocationFeedJsonContext.Default.RevocationFeedPage, timeout.Token)
            ?? throw new JsonException("The revocation feed answered null.");
        revoked.Add(page.Revocations ?? []);
        var moved = !string.IsNullOrEmpty(page.Cursor) && page.Cursor != _cursor;
        _cursor = moved ? page.Cursor : _cursor;
        revoked.MarkReached();
        return page.HasMore && moved;
    }

    private sealed class FeedRefusedException(int status) : Exception($"The revocation feed answered HTTP {status}.")
    {
        public int Status { get; } = status;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Following the revocation feed at {FeedUrl} every {PollInterval}; tokens are refused when it was not reached for {StalenessBound}")]
    private static partial void LogFollowing(ILogger logger, Uri feedUrl, TimeSpan pollInterval, TimeSpan stalenessBound);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The revocation feed cannot be read ({Reason}); retrying")]
    private static partial void LogUnreachable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The revocation feed has not answered within {StalenessBound}: token-authenticated requests get 503 until it does")]
    private static partial void LogStale(ILogger logger, TimeSpan stalenessBound);

    [LoggerMessage(Level = LogLevel.Information, Message = "The revocation feed answers again")]
    private static partial void LogRecovered(ILogger logger);
}
