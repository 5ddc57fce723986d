using System.Text.Json;
using System.Text.Json.Nodes;

namespace Facade.DeviceEdge.Shadows;

/// <summary>The shadow's JSON rules: JSON merge patch (RFC 7396), what the known desired keys may hold, and the delta.</summary>
internal static class ShadowDocument
{
    public const int MaxKeyLength = 64;
    public const int MaxTags = 20;
    public const int MaxTagLength = 64;
    public const int MaxReportingIntervalSeconds = 86_400;

    /// <summary>
    /// RFC 7396 §2: an object patch merges into <paramref name="target"/> (changed in place), a <c>null</c> member removes
    /// the key, anything else replaces. <paramref name="patch"/> is not changed; its values are copied.
    /// </summary>
    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject members)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? [];
        foreach (var (name, value) in members)
        {
            if (value is null)
            {
                result.Remove(name);
                continue;
            }

            result.TryGetPropertyValue(name, out var existing);
            var merged = MergePatch(existing, value);
            if (!ReferenceEquals(merged, existing))
            {
                result[name] = merged;
            }
        }

        return result;
    }

    /// <summary>The problem with a desired state in plain words (naming the key), or null.</summary>
    public static string? CheckDesired(JsonObject desired)
    {
        ArgumentNullException.ThrowIfNull(desired);
        foreach (var (name, value) in desired)
        {
            if (name.Length is 0 or > MaxKeyLength || name.Any(char.IsControl))
            {
                return $"Keys must be 1 to {MaxKeyLength} characters without control characters.";
            }

            var problem = name switch
            {
                "reportingIntervalSeconds" => value is JsonValue number && number.GetValueKind() == JsonValueKind.Number
                    && number.TryGetValue<long>(out var seconds) && seconds is >= 1 and <= MaxReportingIntervalSeconds
                        ? null
                        : $"'reportingIntervalSeconds' must be a whole number from 1 to {MaxReportingIntervalSeconds}.",
                "thresholds" => CheckThresholds(value),
                "tags" => CheckTags(value),
                _ => null,
            };
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>The desired keys whose value the device has not reported (deep JSON equality; 30 equals 30.0), with the desired value.</summary>
    public static JsonObject Delta(JsonObject desired, JsonObject reported)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(reported);
        var delta = new JsonObject();
        foreach (var (name, value) in desired)
        {
            if (!reported.TryGetPropertyValue(name, out var actual) || !JsonNode.DeepEquals(value, actual))
            {
                delta[name] = value?.DeepClone();
            }
        }

        return delta;
    }

    public static JsonObject Parse(string json) => JsonNode.Parse(json) as JsonObject ?? [];

    private static string? CheckThresholds(JsonNode? value)
    {
        const string Rule = "'thresholds' must be an object of numbers, e.g. {\"temperature\": 30}.";
        if (value is not JsonObject thresholds)
        {
            return Rule;
        }

        foreach (var (name, threshold) in thresholds)
        {
            if (name.Length is 0 or > MaxKeyLength || threshold is not JsonValue number || number.GetValueKind() != JsonValueKind.Number)
            {
                return Rule;
            }
        }

        return null;
    }

    private static string? CheckTags(JsonNode? value)
    {
        var rule = $"'tags' must be an array of at most {MaxTags} strings of 1 to {MaxTagLength} characters without control characters.";
        if (value is not JsonArray tags || tags.Count > MaxTags)
        {
            return rule;
        }

        foreach (var tag in tags)
        {
            if (tag is not JsonValue text || text.GetValueKind() != JsonValueKind.String
                || text.GetValue<string>() is not { Length: > 0 and <= MaxTagLength } s || s.Any(char.IsControl))
            {
                return rule;
            }
        }

        return null;
    }
}
