using System.Globalization;
using System.Text.Json;
using Json.Pointer;

namespace Facade.McpAdapter.Catalog.Format;

/// <summary>Which catalog entry a JSON pointer is in, and the path inside that entry.</summary>
internal static class EntryLabels
{
    private static readonly string[] Lists = ["tools", "openapi", "resources", "resourceTemplates", "prompts"];
    private static readonly string[] AgentLists = ["ownTools", "ownResources", "ownResourceTemplates", "ownPrompts"];

    /// <summary><c>/tools/3/call/method</c> → (<c>tools[3] 'create_task'</c>, <c>/call/method</c>); outside any entry → <c>catalog</c>.</summary>
    public static (string Label, JsonPointer Path) Split(JsonElement document, JsonPointer pointer)
    {
        var segments = Enumerable.Range(0, pointer.SegmentCount).Select(i => SchemaResults.Unescape(pointer[i].ToString())).ToArray();
        if (segments.Length >= 2 && Lists.Contains(segments[0]) && Index(segments[1]) is { } index)
        {
            var entry = JsonPointer.Parse($"/{segments[0]}/{index}").Evaluate(document);
            return (CatalogErrors.Label(segments[0], index, NameOf(entry, segments[0] == "openapi" ? "document" : "name")), Rest(pointer, 2));
        }

        if (segments.Length >= 2 && segments[0] == "agents")
        {
            var agent = $"agents.{segments[1]}";
            if (segments.Length >= 4 && AgentLists.Contains(segments[2]) && Index(segments[3]) is { } own)
            {
                return (CatalogErrors.Label($"{agent}.{segments[2]}", own, NameOf(pointer.GetParent(pointer.SegmentCount - 4)!.Value.Evaluate(document), "name")), Rest(pointer, 4));
            }

            return (agent, Rest(pointer, 2));
        }

        return segments.Length >= 2 && segments[0] == "backends" ? ($"backends.{segments[1]}", Rest(pointer, 2)) : ("catalog", pointer);
    }

    internal static string? NameOf(JsonElement? entry, string property) =>
        entry is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(property, out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;

    private static int? Index(string segment) =>
        int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : null;

    private static JsonPointer Rest(JsonPointer pointer, int skip) =>
        pointer.SegmentCount == skip ? JsonPointer.Empty : pointer.GetLocal(pointer.SegmentCount - skip);
}
