using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Facade.McpAdapter.Backend;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// <c>backends</c>: <c>{ "legacy": { "baseUrl": "http://127.0.0.1:5030", "title": "tasks", "timeoutSeconds": 30 } }</c>
/// (or just <c>"legacy": "http://…"</c>). An override from configuration (<c>Adapter:Backends:legacy</c>) replaces the
/// file's base URL and may add backends the file does not list.
/// </summary>
internal static partial class BackendsSection
{
    /// <summary>The usable backends; <paramref name="broken"/> lists declared ones already reported as invalid.</summary>
    public static Dictionary<string, BackendDefinition> Read(JsonElement? section, IReadOnlyDictionary<string, string>? overrides, CatalogErrors errors, out HashSet<string> broken)
    {
        broken = new HashSet<string>(StringComparer.Ordinal);
        var backends = new Dictionary<string, BackendDefinition>(StringComparer.Ordinal);
        overrides ??= new Dictionary<string, string>();
        var declared = new Dictionary<string, (string? Url, string? Title, TimeSpan? Timeout)>(StringComparer.Ordinal);
        if (section is { } element)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                errors.Add("backends", "must be a JSON object of name → { \"baseUrl\": … }");
            }
            else
            {
                foreach (var property in element.EnumerateObject())
                {
                    declared[property.Name] = ReadOne(property, errors);
                }
            }
        }

        foreach (var (name, url) in overrides)
        {
            declared[name] = (url, declared.TryGetValue(name, out var file) ? file.Title : null, file.Timeout);
        }

        foreach (var (name, (url, title, timeout)) in declared)
        {
            var label = $"backends.{name}";
            broken.Add(name);
            if (!BackendName().IsMatch(name))
            {
                errors.Add(label, "backend names may only use letters, digits, '_' and '-'");
                continue;
            }

            var source = overrides.ContainsKey(name) ? $"{CatalogOptions.BackendsSectionName}:{name}" : "baseUrl";
            if (string.IsNullOrWhiteSpace(url))
            {
                errors.Add(label, $"no base URL (set backends.{name}.baseUrl in the catalog or {CatalogOptions.BackendsSectionName}:{name} in configuration)");
                continue;
            }

            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
            {
                errors.Add(label, $"{source} '{url}' must be an absolute http(s) URL without query, fragment or credentials");
                continue;
            }

            broken.Remove(name);
            backends[name] = new BackendDefinition { Name = name, Title = title ?? name, BaseUri = uri, Timeout = timeout };
        }

        return backends;
    }

    private static (string? Url, string? Title, TimeSpan? Timeout) ReadOne(JsonProperty property, CatalogErrors errors)
    {
        if (property.Value.ValueKind == JsonValueKind.String)
        {
            return (property.Value.GetString(), null, null);
        }

        var entry = new JsonEntry(property.Value, $"backends.{property.Name}", errors);
        entry.Allow("description");
        var url = entry.String("baseUrl");
        var title = entry.String("title");
        var seconds = entry.Number("timeoutSeconds");
        entry.ReportUnknown();
        if (seconds is <= 0 or > 600)
        {
            entry.Error(string.Create(CultureInfo.InvariantCulture, $"timeoutSeconds must be between 0 and 600 (got {seconds})"));
            seconds = null;
        }

        return (url, title, seconds is { } s ? TimeSpan.FromSeconds(s) : null);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex BackendName();
}
