using System.Text.Json;
using System.Text.Json.Nodes;

namespace Facade.Mocks.DeviceSimulator.Devices;

/// <summary>
/// The device's configuration as the shadow sees it: <c>reportingIntervalSeconds</c>, <c>thresholds</c> (numbers by
/// name), <c>tags</c>, and any other key of the latest desired state, which the device keeps and reports back as it
/// was given (a key the latest desired state no longer has goes). A desired value of the wrong shape is not applied:
/// the device keeps and reports its own, so the shadow's delta shows it. Not thread-safe: the device guards it.
/// </summary>
internal sealed class DeviceSettings(int intervalSeconds)
{
    public const string IntervalKey = "reportingIntervalSeconds";
    public const string ThresholdsKey = "thresholds";
    public const string TagsKey = "tags";

    private readonly Dictionary<string, double> _thresholds = new(StringComparer.Ordinal);
    private readonly List<string> _tags = [];
    private readonly Dictionary<string, JsonNode?> _other = new(StringComparer.Ordinal);

    public int IntervalSeconds { get; set; } = intervalSeconds;

    /// <summary>The version of the last desired state applied; null before the first.</summary>
    public long? Version { get; private set; }

    /// <summary>Applies a desired state (the whole document the edge sends); returns the keys it refused.</summary>
    public IReadOnlyList<string> ApplyDesired(long version, JsonObject state)
    {
        var refused = new List<string>();
        _other.Clear();
        foreach (var (key, value) in state)
        {
            var applied = key switch
            {
                IntervalKey => TryApplyInterval(value),
                ThresholdsKey => TryApplyThresholds(value),
                TagsKey => TryApplyTags(value),
                _ => KeepOther(key, value),
            };
            if (!applied)
            {
                refused.Add(key);
            }
        }

        Version = version;
        return refused;
    }

    /// <summary>The state the device reports: everything it runs with.</summary>
    public JsonObject Reported()
    {
        var state = new JsonObject
        {
            [IntervalKey] = IntervalSeconds,
            [ThresholdsKey] = new JsonObject(_thresholds.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))),
            [TagsKey] = new JsonArray(_tags.Select(t => (JsonNode?)t).ToArray()),
        };
        foreach (var (key, value) in _other)
        {
            state[key] = value?.DeepClone();
        }

        return state;
    }

    private bool TryApplyInterval(JsonNode? value)
    {
        if (DeviceCommands.WholeNumber(value, 1, DeviceCommands.MaxIntervalSeconds) is not { } seconds)
        {
            return false;
        }

        IntervalSeconds = seconds;
        return true;
    }

    private bool TryApplyThresholds(JsonNode? value)
    {
        if (value is not JsonObject thresholds || thresholds.Any(t => t.Value is not JsonValue v || v.GetValueKind() != JsonValueKind.Number))
        {
            return false;
        }

        _thresholds.Clear();
        foreach (var (name, limit) in thresholds)
        {
            _thresholds[name] = limit!.GetValue<double>();
        }

        return true;
    }

    private bool TryApplyTags(JsonNode? value)
    {
        if (value is not JsonArray tags || tags.Any(t => t is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
        {
            return false;
        }

        _tags.Clear();
        _tags.AddRange(tags.Select(t => t!.GetValue<string>()));
        return true;
    }

    private bool KeepOther(string key, JsonNode? value)
    {
        _other[key] = value?.DeepClone();
        return true;
    }
}
