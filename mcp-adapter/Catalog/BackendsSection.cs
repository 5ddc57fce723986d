using System.Text.RegularExpressions;
using Facade.McpAdapter.Backend;
using Facade.McpAdapter.Catalog.Format;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// <c>backends</c>: <c>{ "legacy": { "baseUrl": "http://127.0.0.1:5030", "title": "tasks", "timeoutSeconds": 30 } }</c>
/// (or just <c>"legacy": "http://…"</c>). An override from configuration (<c>Adapter:Backends:legacy</c>) replaces the
/// file's base URL and may add backends the file does not list, so the URL itself is checked here, after merging.
/// </summary>
internal static partial class BackendsSection
{
    /// <summary>The usable backends; <paramref name="broken"/> lists declared ones already reported as invalid.</summary>
    public static Dictionary<string, BackendDefinition> Read(IReadOnlyDictionary<string, BackendSpec?> file, IReadOnlyDictionary<string, string>? overrides, CatalogErrors errors, out HashSet<string> broken)
    {
        broken = new HashSet<string>(StringComparer.Ordinal);
        var backends = new Dictionary<string, BackendDefinition>(StringComparer.Ordinal);
        overrides ??= new Dictionary<string, string>();
        foreach (var name in file.Keys.Union(overrides.Keys, StringComparer.Ordinal))
        {
            var label = $"backends.{name}";
            var spec = file.GetValueOrDefault(name);
            var url = overrides.TryGetValue(name, out var configured) ? configured : spec?.BaseUrl;

            // A name or entry in the file that the schema rejected is already reported.
            if (!BackendName().IsMatch(name) || (file.ContainsKey(name) && spec is null))
            {
                broken.Add(name);
                if (!file.ContainsKey(name))
                {
                    errors.Add(label, $"{CatalogOptions.BackendsSectionName}:{name}: backend names may only use letters, digits, '_' and '-'");
                }

                continue;
            }

            var source = overrides.ContainsKey(name) ? $"{CatalogOptions.BackendsSectionName}:{name}" : "baseUrl";
            if (string.IsNullOrWhiteSpace(url))
            {
                broken.Add(name);
                errors.Add(label, $"no base URL (set backends.{name}.baseUrl in the catalog or {CatalogOptions.BackendsSectionName}:{name} in configuration)");
                continue;
            }

            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
            {
                broken.Add(name);
                errors.Add(label, $"{source} '{url}' must be an absolute http(s) URL without query, fragment or credentials");
                continue;
            }

            TimeSpan? timeout = spec?.TimeoutSeconds is { } seconds and > 0 and <= 600 ? TimeSpan.FromSeconds(seconds) : null;
            backends[name] = new BackendDefinition { Name = name, Title = spec?.Title ?? name, BaseUri = uri, Timeout = timeout };
        }

        return backends;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex BackendName();
}
