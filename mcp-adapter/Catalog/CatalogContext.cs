using System.Diagnostics.CodeAnalysis;
using Facade.Common;
using Facade.McpAdapter.Backend;

namespace Facade.McpAdapter.Catalog;

/// <summary>What every section parser shares: the error list, the known backends and the catalog's folder.</summary>
internal sealed class CatalogContext(
    CatalogErrors errors,
    string baseDirectory,
    IReadOnlyDictionary<string, BackendDefinition> backends,
    IReadOnlySet<string> brokenBackends,
    IReadOnlySet<string>? agentIds = null)
{
    public CatalogErrors Errors { get; } = errors;

    /// <summary>The catalog file's folder; imported documents are resolved against it.</summary>
    public string BaseDirectory { get; } = baseDirectory;

    public IReadOnlyDictionary<string, BackendDefinition> Backends { get; } = backends;

    /// <summary>Backends that are declared but already reported as invalid; references to them add no second error.</summary>
    public IReadOnlySet<string> BrokenBackends { get; } = brokenBackends;

    /// <summary>Every agent id under <c>agents</c> (channel calls must name one of them).</summary>
    public IReadOnlySet<string> AgentIds { get; } = agentIds ?? new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Every scope must be one of the edge's API scopes (<see cref="ScopeCatalog.Api"/>); duplicates are dropped.</summary>
    public IReadOnlyList<string> CheckScopes(IReadOnlyList<string>? scopes, string label)
    {
        var given = (scopes ?? []).Where(s => !string.IsNullOrWhiteSpace(s)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var scope in given.Where(s => !ScopeCatalog.IsApi(s)))
        {
            Errors.Add(label, $"scope '{scope}' is not a known scope (known: {string.Join(" ", ScopeCatalog.Api)})");
        }

        return given;
    }

    /// <summary>A backend name (<paramref name="property"/> as messages show it); may be left out when the catalog has exactly one backend.</summary>
    public bool TryResolveBackend(string? name, string property, string label, [NotNullWhen(true)] out BackendDefinition? backend)
    {
        backend = null;
        if (name is null)
        {
            if (Backends.Count == 1 && BrokenBackends.Count == 0)
            {
                backend = Backends.Values.Single();
                return true;
            }

            if (Backends.Count + BrokenBackends.Count != 1)
            {
                Errors.Add(label, $"{property} is required when the catalog has {(Backends.Count + BrokenBackends.Count == 0 ? "no backends" : "several backends")}");
            }

            return false;
        }

        if (Backends.TryGetValue(name, out backend))
        {
            return true;
        }

        if (!BrokenBackends.Contains(name))
        {
            Errors.Add(label, $"{property} '{name}' is not a known backend (known: {(Backends.Count == 0 ? "none" : string.Join(", ", Backends.Keys))})");
        }

        return false;
    }
}
