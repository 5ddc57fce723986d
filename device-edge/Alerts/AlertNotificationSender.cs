using System.Globalization;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Alerts;

/// <summary>
/// Works through the notification outbox (<see cref="AlertNotification"/>): delivers what is due over the rule's
/// current channel, deletes it once delivered, otherwise schedules the next attempt after an exponentially growing
/// wait (<see cref="AlertOptions.RetryDelay"/>) until <see cref="AlertOptions.MaxAttempts"/>. The outbox is in the
/// database, so a restart carries on with the attempts where they were. Notifications of one alert go out in order
/// (a "resolved" never overtakes its "fired"); different alerts in parallel. Waits use the <see cref="TimeProvider"/>.
/// Also deletes resolved alerts older than <see cref="AlertOptions.ResolvedRetention"/>.
/// </summary>
internal sealed partial class AlertNotificationSender(
    IDbContextFactory<DeviceEdgeDbContext> contexts,
    IHttpClientFactory httpClients,
    IAlertChannel mqtt,
    IOptions<AlertOptions> options,
    IHostEnvironment environment,
    TimeProvider time,
    ILogger<AlertNotificationSender> logger) : BackgroundService
{
    public const string HttpClientName = "alert-webhooks";
    private const int BatchSize = 50;
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromHours(1);
    private static readonly TimeSpan ErrorPause = TimeSpan.FromSeconds(5);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private DateTimeOffset _nextPurge;

    /// <summary>New notifications are in the outbox: look now rather than at the next scheduled attempt.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    private bool AllowInsecure => options.Value.AllowInsecureWebhooks && environment.IsDevelopment();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                var next = await DeliverDueAsync(stoppingToken);
                await PurgeAsync(stoppingToken);
                wait = next is null ? PurgeInterval : next.Value - time.GetUtcNow();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogLoopFailed(logger, exception);
                wait = ErrorPause;
            }

            if (wait > TimeSpan.Zero)
            {
                await WaitAsync(wait < PurgeInterval ? wait : PurgeInterval, stoppingToken);
            }
        }
    }

    private async Task WaitAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var woken = _wake.Reader.WaitToReadAsync(waiting.Token).AsTask();
        var elapsed = Task.Delay(wait, time, waiting.Token);
        await Task.WhenAny(woken, elapsed);
        _wake.Reader.TryRead(out _);
        await waiting.CancelAsync();
    }

    /// <summary>Delivers every notification due now; returns when the next one is due (null: the outbox is empty).</summary>
    internal async Task<DateTimeOffset?> DeliverDueAsync(CancellationToken cancellationToken)
    {
        List<DueNotification> due;
        do
        {
            var now = time.GetUtcNow();
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                due = await Deliverable(db)
                    .Where(n => n.NextAttemptAt <= now)
                    .OrderBy(n => n.Id)
                    .Take(BatchSize)
                    .Join(db.Alerts, n => n.AlertId, a => a.Id, (n, a) => new { Notification = n, a.RuleId })
                    .Join(db.AlertRules, x => x.RuleId, r => r.Id, (x, r) => new DueNotification(
                        x.Notification.Id, x.Notification.AlertId, x.Notification.Event, x.Notification.Payload, x.Notification.Attempts,
                        r.Id, r.ChannelType, r.WebhookUrl, r.WebhookSecret, r.Topic))
                    .ToListAsync(cancellationToken);
            }

            var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxConcurrentDeliveries, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(due, parallel, DeliverAsync);
        }
        while (due.Count == BatchSize);

        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        return await Deliverable(context).OrderBy(n => n.NextAttemptAt).Select(n => (DateTimeOffset?)n.NextAttemptAt).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Notifications not waiting behind an earlier one of the same alert.</summary>
    private static IQueryable<AlertNotification> Deliverable(DeviceEdgeDbContext db) =>
        db.AlertNotifications.Where(n => !db.AlertNotifications.Any(earlier => earlier.AlertId == n.AlertId && earlier.Id < n.Id));

    private async ValueTask DeliverAsync(DueNotification notification, CancellationToken cancellationToken)
    {
        string? error;
        var giveUp = false;
        try
        {
            (error, giveUp) = notification.Channel == AlertChannelType.Webhook
                ? await PostWebhookAsync(notification, cancellationToken)
                : await PublishAsync(notification, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            error = exception.GetType().Name;
        }

        var attempts = notification.Attempts + 1;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = db.AlertNotifications.Where(n => n.Id == notification.Id);
        if (error is null)
        {
            await row.ExecuteDeleteAsync(cancellationToken);
            LogDelivered(logger, notification.Event, notification.AlertId, notification.RuleId, ChannelName(notification), attempts);
        }
        else if (giveUp || attempts >= options.Value.MaxAttempts)
        {
            await row.ExecuteDeleteAsync(cancellationToken);
            LogGaveUp(logger, notification.Event, notification.AlertId, notification.RuleId, ChannelName(notification), attempts, error);
        }
        else
        {
            var delay = options.Value.RetryDelay(attempts);
            var next = StoredTime.Now(time) + delay;
            var reason = error.Length > AlertNotification.MaxErrorLength ? error[..AlertNotification.MaxErrorLength] : error;
            await row.ExecuteUpdateAsync(n => n
                .SetProperty(x => x.Attempts, attempts)
                .SetProperty(x => x.NextAttemptAt, next)
                .SetProperty(x => x.LastError, reason), cancellationToken);
            LogRetrying(logger, notification.Event, notification.AlertId, notification.RuleId, ChannelName(notification), attempts, error, delay);
        }
    }

    private async Task<(string? Error, bool GiveUp)> PostWebhookAsync(DueNotification notification, CancellationToken cancellationToken)
    {
        // Checked again: the settings may have changed since the rule was saved (e.g. insecure webhooks turned off).
        if (WebhookUrls.Check(notification.Url, AllowInsecure) is { } problem)
        {
            return (problem, true);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, notification.Url) { Content = new ByteArrayContent(notification.Payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var messageId = FormattableString.Invariant($"alert-{notification.AlertId}-{notification.Event}");
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        if (notification.Secret is { } secret)
        {
            request.Headers.Add("webhook-signature", WebhookSignature.Sign(secret, messageId, timestamp, notification.Payload));
        }

        // The attempt's time limit runs on the wall clock: it bounds a real socket, whatever clock schedules the retries.
        using var timeout = new CancellationTokenSource(options.Value.WebhookTimeout);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            return response.IsSuccessStatusCode ? (null, false) : ($"HTTP {(int)response.StatusCode}", false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return ($"no answer within {options.Value.WebhookTimeout}", false);
        }
        catch (HttpRequestException exception)
        {
            return ($"{exception.HttpRequestError}: {Innermost(exception).Message}", false);
        }
    }

    private async Task<(string? Error, bool GiveUp)> PublishAsync(DueNotification notification, CancellationToken cancellationToken)
    {
        if (!AlertTopics.IsValid(notification.Topic))
        {
            return ("not an alert topic", true);
        }

        await mqtt.PublishAsync(notification.Topic!, notification.Payload, cancellationToken);
        return (null, false);
    }

    private async Task PurgeAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now < _nextPurge)
        {
            return;
        }

        _nextPurge = now + PurgeInterval;
        var cutoff = now - options.Value.ResolvedRetention;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var purged = await db.Alerts.Where(a => a.ResolvedAt != null && a.ResolvedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        if (purged > 0)
        {
            LogPurged(logger, purged, options.Value.ResolvedRetention);
        }
    }

    private static Exception Innermost(Exception exception) => exception.InnerException is { } inner ? Innermost(inner) : exception;

    /// <summary>The webhook's host only: a URL's path or query can be a secret (many services put the key there).</summary>
    private static string ChannelName(DueNotification notification) =>
        notification.Channel == AlertChannelType.Webhook
            ? "webhook " + (Uri.TryCreate(notification.Url, UriKind.Absolute, out var url) ? url.Host : "(invalid URL)")
            : "mqtt " + notification.Topic;

    private sealed record DueNotification(
        long Id, long AlertId, string Event, byte[] Payload, int Attempts, string RuleId, AlertChannelType Channel, string? Url, string? Secret, string? Topic);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert notification '{Event}' of alert {AlertId} (rule {RuleId}) delivered by {Channel} (attempt {Attempt})")]
    private static partial void LogDelivered(ILogger logger, string @event, long alertId, string ruleId, string channel, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert notification '{Event}' of alert {AlertId} (rule {RuleId}) by {Channel} failed (attempt {Attempt}: {Error}); retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, string @event, long alertId, string ruleId, string channel, int attempt, string error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert notification '{Event}' of alert {AlertId} (rule {RuleId}) by {Channel} given up after {Attempts} attempts: {Error}")]
    private static partial void LogGaveUp(ILogger logger, string @event, long alertId, string ruleId, string channel, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "The alert notification sender failed; trying again shortly")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} alerts resolved more than {Retention} ago")]
    private static partial void LogPurged(ILogger logger, int count, TimeSpan retention);
}
