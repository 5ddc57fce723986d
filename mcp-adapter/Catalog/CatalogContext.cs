using System.Diagnostics.CodeAnalysis;
using Facade.Common;
using Facade.McpAdapter.Backend;

namespace Facade.McpAdapter.Catalog;

/// <summary>What every section parser shares: the error list, the known backends and the catalog's folder.</summary>
internal sealed class CatalogContext(CatalogErrors errors, string baseDirectory, IReadOnlyDictionary<string, BackendDefinition> backends, IReadOnlySet<string> brokenBackends)
{
    public CatalogErrors Errors { get; } = errors;

    /// <summary>The catalog file's folder; imported documents are resolved against it.</summary>
    public string BaseDirectory { get; } = baseDirectory;

    public IReadOnlyDictionary<string, BackendDefinition> Backends { get; } = backends;

    /// <summary>Backends that are declared but already reported as invalid; references to them add no second error.</summary>
    public IReadOnlySet<string> BrokenBackends { get; } = brokenBackends;

    /// <summary>Reads a scope list; unknown scopes are errors, duplicates are dropped.</summary>
    public IReadOnlyList<string> ReadScopes(JsonEntry entry, string property, bool required)
    {
        var scopes = entry.Strings(property, required: false);
        if (scopes is null)
        {
            if (required && !entry.Has(property) && entry.IsObject)
            {
                entry.Error($"{entry.Name(property)} is required (use [] when any signed-in caller may use it)");
            }

            return [];
        }

        foreach (var scope in scopes.Where(s => !ScopeCatalog.IsApi(s)))
        {
            entry.Error($"scope '{scope}' is not a known scope (known: {string.Join(" ", ScopeCatalog.Api)})");
        }

        return [.. scopes.Distinct(StringComparer.Ordinal)];
    }

    /// <summary><c>call.backend</c>; may be left out when the catalog has exactly one backend.</summary>
    public bool TryResolveBackend(JsonEntry call, [NotNullWhen(true)] out BackendDefinition? backend)
    {
        backend = null;
        var name = call.String("backend");
        if (name is null)
        {
            if (call.Has("backend"))
            {
                return false;
            }

            if (Backends.Count == 1 && BrokenBackends.Count == 0)
            {
                backend = Backends.Values.Single();
                return true;
            }

            if (Backends.Count + BrokenBackends.Count != 1)
            {
                call.Error($"{call.Name("backend")} is required when the catalog has {(Backends.Count + BrokenBackends.Count == 0 ? "no backends" : "several backends")}");
            }

            return false;
        }

        if (Backends.TryGetValue(name, out backend))
        {
            return true;
        }

        if (BrokenBackends.Contains(name))
        {
            return false;
        }

        call.Error($"{call.Name("backend")} '{name}' is not a known backend (known: {(Backends.Count == 0 ? "none" : string.Join(", ", Backends.Keys))})");
        return false;
    }
}
