using System.Text.Json;
using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Telemetry;
using Microsoft.EntityFrameworkCore;

namespace Facade.DeviceEdge.Alerts;

/// <summary>
/// Evaluates the rules against stored telemetry (an <see cref="ITelemetryObserver"/>). Per rule and device the state
/// is the firing alert row: a reading that meets the condition fires one (if none fires), a reading back past the
/// threshold by the hysteresis resolves it, anything in between changes nothing. Each change and its notification
/// are written in one transaction; the sender delivers the notification afterwards. Readings of one device are
/// evaluated one batch at a time, in order.
/// </summary>
internal sealed partial class AlertEvaluator(
    AlertRuleCache rules,
    IDbContextFactory<DeviceEdgeDbContext> contexts,
    AlertNotificationSender sender,
    IEnumerable<IAlertObserver> observers,
    TimeProvider time,
    ILogger<AlertEvaluator> logger) : ITelemetryObserver
{
    private const int Stripes = 64;
    private readonly SemaphoreSlim[] _deviceLocks = Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    private readonly IAlertObserver[] _observers = observers.ToArray();

    public async ValueTask OnStoredAsync(IReadOnlyList<TelemetryReading> readings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readings);
        var byMetric = await rules.GetAsync(cancellationToken);
        if (byMetric.Count == 0)
        {
            return;
        }

        var changed = false;
        foreach (var device in readings.GroupBy(r => r.DeviceId, StringComparer.Ordinal))
        {
            var batch = device.ToList();
            var candidates = batch.SelectMany(r => r.Metrics.Keys).Distinct(StringComparer.Ordinal)
                .SelectMany(metric => byMetric.GetValueOrDefault(metric) ?? []).ToList();
            if (candidates.Count == 0)
            {
                continue;
            }

            var gate = _deviceLocks[(StringComparer.Ordinal.GetHashCode(device.Key) & int.MaxValue) % Stripes];
            await gate.WaitAsync(cancellationToken);
            try
            {
                changed |= await EvaluateAsync(device.Key, batch, candidates, cancellationToken);
            }
            catch (DbUpdateException exception)
            {
                // A rule deleted (or a device) between the rule cache and the write: its alert has nothing to belong to.
                LogWriteFailed(logger, device.Key, exception.GetType().Name);
            }
            finally
            {
                gate.Release();
            }
        }

        if (changed)
        {
            sender.Wake();
        }
    }

    private async Task<bool> EvaluateAsync(string deviceId, List<TelemetryReading> readings, List<ActiveRule> candidates, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var device = await db.Devices.AsNoTracking().FirstOrDefaultAsync(d => d.Id == deviceId, cancellationToken);
        if (device is null)
        {
            return false; // Deleted meanwhile.
        }

        var sharedWith = await db.DeviceShares.AsNoTracking().Where(s => s.DeviceId == deviceId).Select(s => s.UserId).ToListAsync(cancellationToken);
        var applicable = candidates.Where(r => r.AppliesTo(device, sharedWith)).ToList();
        var candidateIds = candidates.Select(r => r.Id).ToList();
        var firing = await db.Alerts.Where(a => a.DeviceId == deviceId && a.ResolvedAt == null && candidateIds.Contains(a.RuleId))
            .ToDictionaryAsync(a => a.RuleId, StringComparer.Ordinal, cancellationToken);

        // The rule stopped applying (a share ended, the device's tags changed): its alert closes without a notification.
        var stale = firing.Values.Where(a => applicable.TrueForAll(r => r.Id != a.RuleId)).ToList();

        // First the transitions, in reading order; then, only if there are any, the writes.
        var transitions = new List<(ActiveRule Rule, bool Fires, double Value)>();
        var firingNow = applicable.Where(r => firing.ContainsKey(r.Id)).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var reading in readings)
        {
            foreach (var rule in applicable)
            {
                var wasFiring = firingNow.Contains(rule.Id);
                if (!reading.Metrics.TryGetValue(rule.Metric, out var value) || !double.IsFinite(value) || rule.Condition.Next(wasFiring, value) == wasFiring)
                {
                    continue;
                }

                if (wasFiring)
                {
                    firingNow.Remove(rule.Id);
                }
                else
                {
                    firingNow.Add(rule.Id);
                }

                transitions.Add((rule, !wasFiring, value));
            }
        }

        if (stale.Count == 0 && transitions.Count == 0)
        {
            return false;
        }

        var now = StoredTime.Now(time);
        var changes = new List<AlertChange>(transitions.Count);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var alert in stale)
        {
            alert.ResolvedAt = now;
        }

        foreach (var (rule, fires, value) in transitions)
        {
            if (fires)
            {
                var alert = new AlertRecord
                {
                    RuleId = rule.Id,
                    DeviceId = deviceId,
                    RuleName = rule.Name,
                    Metric = rule.Metric,
                    Operator = rule.Condition.Operator,
                    Threshold = rule.Condition.Threshold,
                    Value = value,
                    FiredAt = now,
                };
                db.Alerts.Add(alert);
                firing[rule.Id] = alert;
                await db.SaveChangesAsync(cancellationToken); // the alert's id goes into the notification
                changes.Add(new AlertChange(rule.OwnerId, deviceId, "fired", Enqueue(db, "fired", alert, rule, now), now));
                LogFired(logger, rule.Id, deviceId, rule.Metric, value);
            }
            else
            {
                var alert = firing[rule.Id];
                alert.ResolvedAt = now;
                alert.ResolvedValue = value;
                changes.Add(new AlertChange(rule.OwnerId, deviceId, "resolved", Enqueue(db, "resolved", alert, rule, now), now));
                LogResolved(logger, rule.Id, deviceId, rule.Metric, value);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Tell(changes);
        return true;
    }

    /// <summary>Queues the notification of a change in the outbox; returns its body.</summary>
    private static byte[] Enqueue(DeviceEdgeDbContext db, string kind, AlertRecord alert, ActiveRule rule, DateTimeOffset now)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new AlertNotificationBody(kind, AlertView.From(alert), rule.View), AlertsJsonContext.Default.AlertNotificationBody);
        db.AlertNotifications.Add(new AlertNotification
        {
            AlertId = alert.Id,
            Event = kind,
            Payload = payload,
            NextAttemptAt = now,
            CreatedAt = now,
        });
        return payload;
    }

    private void Tell(List<AlertChange> changes)
    {
        foreach (var change in changes)
        {
            foreach (var observer in _observers)
            {
                try
                {
                    observer.OnAlertChanged(change);
                }
                catch (Exception exception)
                {
                    LogObserverFailed(logger, exception, observer.GetType().Name, change.DeviceId);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert observer {Observer} failed for device {DeviceId}")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception, string observer, string deviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert changes for device {DeviceId} were not written ({Error}): a rule or the device went away meanwhile")]
    private static partial void LogWriteFailed(ILogger logger, string deviceId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert fired: rule {RuleId}, device {DeviceId}, {Metric} = {Value}")]
    private static partial void LogFired(ILogger logger, string ruleId, string deviceId, string metric, double value);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert resolved: rule {RuleId}, device {DeviceId}, {Metric} = {Value}")]
    private static partial void LogResolved(ILogger logger, string ruleId, string deviceId, string metric, double value);
}
