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
        "items", "additionalProperties", "propertyNames", "contains", "unevaluatedItems", "unevaluatedProperties", "additionalItems", "if", "then", "else", "not",
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
    /// JsonSchema.Net 8 reports a location under a single-schema keyword with the segment before the keyword repeated
    /// (<c>#/properties/tags/items/tags/properties/name</c>); when the location does not resolve, those repeats are dropped.
    /// </summary>
    public static JsonElement? Subschema(JsonElement schemaRoot, EvaluationResults node)
    {
        if (!JsonPointer.TryParse(Uri.UnescapeDataString(node.SchemaLocation.Fragment.TrimStart('#')), out var pointer))
        {
            return null;
        }

        if (pointer.Evaluate(schemaRoot) is not { } schema)
        {
            var segments = Enumerable.Range(0, pointer.SegmentCount).Select(i => pointer[i].ToString()).ToList();
            for (var i = segments.Count - 2; i >= 1; i--)
            {
                if (SingleSchemaKeywords.Contains(segments[i]) && segments[i + 1] == segments[i - 1])
                {
                    segments.RemoveAt(i + 1);
                }
            }

            if (!JsonPointer.TryParse(string.Concat(segments.Select(s => "/" + s)), out var repaired) || repaired.Evaluate(schemaRoot) is not { } found)
            {
                return null;
            }

            schema = found;
        }

        return schema.ValueKind is JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False ? schema : null;
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
