using System.Text.Json;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// Reads one JSON object of the catalog, reporting missing, mistyped and unknown properties against the entry's
/// label (e.g. <c>tools[3] 'create_task': call.method is required</c>) instead of stopping at the first problem.
/// </summary>
internal sealed class JsonEntry
{
    private readonly JsonElement _element;
    private readonly string _prefix;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public JsonEntry(JsonElement element, string label, CatalogErrors errors, string prefix = "")
    {
        _element = element;
        Label = label;
        Errors = errors;
        _prefix = prefix;
        IsObject = element.ValueKind == JsonValueKind.Object;
        if (!IsObject)
        {
            errors.Add(label, prefix.Length == 0 ? "must be a JSON object" : $"{prefix.TrimEnd('.')} must be a JSON object");
        }
    }

    public string Label { get; }

    public CatalogErrors Errors { get; }

    public bool IsObject { get; }

    public void Error(string message) => Errors.Add(Label, message);

    /// <summary>The property name as messages show it, e.g. <c>call.method</c>.</summary>
    public string Name(string property) => _prefix + property;

    /// <summary>Marks properties as allowed without reading them (documentation fields such as <c>description</c>).</summary>
    public void Allow(params string[] properties)
    {
        foreach (var property in properties)
        {
            _known.Add(property);
        }
    }

    public bool Has(string property)
    {
        _known.Add(property);
        return IsObject && _element.TryGetProperty(property, out _);
    }

    public JsonElement? Element(string property, bool required = false)
    {
        _known.Add(property);
        if (IsObject && _element.TryGetProperty(property, out var value))
        {
            return value;
        }

        if (required && IsObject)
        {
            Error($"{Name(property)} is required");
        }

        return null;
    }

    public string? String(string property, bool required = false, bool allowEmpty = false)
    {
        if (Element(property, required) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || (!allowEmpty && string.IsNullOrWhiteSpace(value.GetString())))
        {
            Error($"{Name(property)} must be a non-empty string");
            return null;
        }

        return value.GetString();
    }

    public bool? Bool(string property)
    {
        if (Element(property) is not { } value)
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Error($"{Name(property)} must be true or false");
            return null;
        }

        return value.GetBoolean();
    }

    public double? Number(string property)
    {
        if (Element(property) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            Error($"{Name(property)} must be a number");
            return null;
        }

        return value.GetDouble();
    }

    public IReadOnlyList<string>? Strings(string property, bool required = false)
    {
        if (Element(property, required) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array
            || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString())))
        {
            Error($"{Name(property)} must be an array of non-empty strings");
            return null;
        }

        return [.. value.EnumerateArray().Select(v => v.GetString()!)];
    }

    /// <summary>A nested object read with the same label and a property prefix (<c>call.</c>).</summary>
    public JsonEntry? Child(string property, bool required = false) =>
        Element(property, required) is { } value ? new JsonEntry(value, Label, Errors, Name(property) + ".") : null;

    /// <summary>Reports every property that was never read or allowed (usually a typo such as <c>scope</c>).</summary>
    public void ReportUnknown()
    {
        if (!IsObject)
        {
            return;
        }

        foreach (var property in _element.EnumerateObject().Where(p => !_known.Contains(p.Name)))
        {
            Error($"unknown property '{Name(property.Name)}'");
        }
    }
}
