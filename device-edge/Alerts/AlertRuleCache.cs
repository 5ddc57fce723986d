using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Registry;
using Microsoft.EntityFrameworkCore;

namespace Facade.DeviceEdge.Alerts;

/// <summary>An enabled rule as the evaluator needs it, with the view notifications carry.</summary>
internal sealed class ActiveRule(AlertRule rule)
{
    private readonly HashSet<string>? _deviceIds = rule.DeviceIds.Count > 0 ? rule.DeviceIds.ToHashSet(StringComparer.Ordinal) : null;
    private readonly string[] _tags = rule.Tags.ToArray();

    public string Id { get; } = rule.Id;
    public string OwnerId { get; } = rule.OwnerId;
    public string Name { get; } = rule.Name;
    public string Metric { get; } = rule.Metric;
    public AlertCondition Condition { get; } = new(rule.Operator, rule.Threshold, rule.Hysteresis);
    public AlertRuleView View { get; } = AlertRuleView.From(rule);

    /// <summary>The rule's owner sees the device (owns it or has a share) and the selector matches it.</summary>
    public bool AppliesTo(Device device, IReadOnlyCollection<string> sharedWith)
    {
        ArgumentNullException.ThrowIfNull(device);
        return (device.OwnerId == OwnerId || sharedWith.Contains(OwnerId))
            && (_deviceIds is null || _deviceIds.Contains(device.Id))
            && (View.Selector.Type is null || string.Equals(View.Selector.Type, device.Type, StringComparison.Ordinal))
            && _tags.All(device.Tags.Contains);
    }
}

/// <summary>
/// The enabled rules by metric, in memory: telemetry of a metric no rule watches costs no database query. Rule
/// changes through the API invalidate it; the next evaluation loads it again.
/// </summary>
internal sealed class AlertRuleCache(IDbContextFactory<DeviceEdgeDbContext> contexts)
{
    private readonly Lock _lock = new();
    private IReadOnlyDictionary<string, ActiveRule[]>? _byMetric;
    private long _version;

    public async ValueTask<IReadOnlyDictionary<string, ActiveRule[]>> GetAsync(CancellationToken cancellationToken)
    {
        long version;
        lock (_lock)
        {
            if (_byMetric is { } current)
            {
                return current;
            }

            version = _version;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rules = await db.AlertRules.AsNoTracking().Where(r => r.Enabled).ToListAsync(cancellationToken);
        var loaded = rules.Select(r => new ActiveRule(r)).GroupBy(r => r.Metric, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        lock (_lock)
        {
            // A change made while loading may be missing from what was read: use it this once, keep nothing.
            if (_version == version)
            {
                _byMetric = loaded;
            }
        }

        return loaded;
    }

    public void Invalidate()
    {
        lock (_lock)
        {
            _version++;
            _byMetric = null;
        }
    }
}
