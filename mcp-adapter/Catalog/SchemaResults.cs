using System.Globalization;
using System.Text.Json;
using Json.Pointer;
using Json.Schema;

namespace Facade.McpAdapter.Catalog;

/// <summary>Reads JsonSchema.Net evaluation results: where a failure is (as a readable path) and which subschema failed.</summary>
internal static class SchemaResults
{
    /// <summary>Keywords whose value is one subschema; see <see cref="Subschema"/>.</summary>
    private static readonly HashSet<string> SingleSchemaKeywords = new(StringComparer.Ordinal)
    {
        "items", "additionalProperties", "propertyNames", "contains", "unevaluatedItems", "unevaluatedProperties", "additionalItems",
    };

    /// <summary>Every node of the results, depth first (the root included).</summary>
    public static IEnumerable<EvaluationResults> Flatten(EvaluationResults results)
    {
        yield return results;
        foreach (var detail in results.Details ?? [])
        {
            foreach (var nested in Flatten(detail))
            {
                yield return nested;
            }
        }
    }

    public static bool HasErrors(this EvaluationResults results) => results.Errors is { Count: > 0 };

    /// <summary>
    /// The subschema (inside <paramref name="schemaRoot"/>, the schema as written) that produced <paramref name="node"/>, or null.
    /// JsonSchema.Net 8 reports a subschema under a single-schema keyword with the segment before the keyword repeated
    /// (<c>#/properties/tags/items/tags</c>); that extra segment is dropped.
    /// </summary>
    public static JsonElement? Subschema(JsonElement schemaRoot, EvaluationResults node)
    {
        if (!JsonPointer.TryParse(Uri.UnescapeDataString(node.SchemaLocation.Fragment.TrimStart('#')), out var pointer))
        {
            return null;
        }

        var count = pointer.SegmentCount;
        if (count >= 3 && SingleSchemaKeywords.Contains(pointer[count - 2].ToString()) && pointer[count - 1] == pointer[count - 3])
        {
            pointer = pointer.GetParent(1) ?? pointer;
        }

        return pointer.Evaluate(schemaRoot) is { ValueKind: JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False } schema ? schema : null;
    }

    /// <summary>A pointer as a readable path: <c>/tags/0/name</c> → <c>tags[0].name</c>; the empty pointer → "".</summary>
    public static string DisplayPath(JsonPointer pointer)
    {
        var path = new System.Text.StringBuilder();
        for (var i = 0; i < pointer.SegmentCount; i++)
        {
            var segment = Unescape(pointer[i].ToString());
            if (path.Length > 0 && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                path.Append('[').Append(segment).Append(']');
            }
            else
            {
                path.Append(path.Length == 0 ? string.Empty : ".").Append(segment);
            }
        }

        return path.ToString();
    }

    /// <summary>One segment as written in the document (<c>~1</c> → <c>/</c>, <c>~0</c> → <c>~</c>).</summary>
    public static string Unescape(string segment) =>
        segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
}
