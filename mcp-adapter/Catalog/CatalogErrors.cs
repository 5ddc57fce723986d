namespace Facade.McpAdapter.Catalog;

/// <summary>Collects every problem found while loading, so one exception can list them all.</summary>
internal sealed class CatalogErrors
{
    private readonly List<string> _errors = [];

    public int Count => _errors.Count;

    public IReadOnlyList<string> All => _errors;

    public void Add(string label, string message) => _errors.Add($"{label}: {message}");

    /// <summary>A message that already starts with its entry's label.</summary>
    public void Add(string labelledMessage) => _errors.Add(labelledMessage);

    /// <summary><c>tools[3] 'create_task'</c>, or <c>tools[3]</c> when the entry has no usable name.</summary>
    public static string Label(string section, int index, string? name) =>
        string.IsNullOrWhiteSpace(name) ? $"{section}[{index}]" : $"{section}[{index}] '{name}'";
}
