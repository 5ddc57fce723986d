using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Facade.Mocks.AgentResponder.Skills;

/// <summary>
/// The answers, the same for the same arguments in every run: <c>web_search</c> makes up <c>limit</c> results from a
/// hash of the query, <c>summarize</c> keeps the first <c>maxWords</c> words. Bad arguments or an unknown tool are an error.
/// </summary>
internal static class SkillAnswers
{
    public const int DefaultLimit = 3;

    public const int DefaultMaxWords = 50;

    private static readonly string[] Sites = ["docs.example.org", "wiki.example.com", "news.example.net", "blog.example.io", "papers.example.edu"];

    public static SkillOutcome Answer(string tool, JsonElement arguments) => tool switch
    {
        SkillCatalog.WebSearch => WebSearch(arguments),
        SkillCatalog.Summarize => Summarize(arguments),
        _ => SkillOutcome.Failed($"unknown tool '{tool}'"),
    };

    private static SkillOutcome WebSearch(JsonElement arguments)
    {
        if (Text(arguments, "query") is not { Length: > 0 } query)
        {
            return SkillOutcome.Failed("web_search needs a non-empty 'query'");
        }

        if (!TryInteger(arguments, "limit", DefaultLimit, out var limit) || limit is < 1 or > 10)
        {
            return SkillOutcome.Failed("web_search: 'limit' must be an integer from 1 to 10");
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(query));
        var slug = Convert.ToHexStringLower(hash)[..8];
        var results = new JsonArray();
        for (var i = 0; i < limit; i++)
        {
            var site = Sites[(hash[i] + i) % Sites.Length];
            results.Add(new JsonObject
            {
                ["title"] = $"{query} — result {i + 1}",
                ["url"] = string.Create(CultureInfo.InvariantCulture, $"https://{site}/{slug}/{i + 1}"),
                ["snippet"] = string.Create(CultureInfo.InvariantCulture, $"What {site} says about \"{query}\" (relevance {100 - (hash[i + 8] % 40)}%)."),
            });
        }

        return SkillOutcome.Answered(new JsonObject { ["query"] = query, ["results"] = results });
    }

    private static SkillOutcome Summarize(JsonElement arguments)
    {
        if (Text(arguments, "text") is not { } text || string.IsNullOrWhiteSpace(text))
        {
            return SkillOutcome.Failed("summarize needs a non-empty 'text'");
        }

        if (!TryInteger(arguments, "maxWords", DefaultMaxWords, out var maxWords) || maxWords < 1)
        {
            return SkillOutcome.Failed("summarize: 'maxWords' must be a positive integer");
        }

        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var summary = string.Join(' ', words.Take(maxWords)) + (words.Length > maxWords ? " …" : "");
        return SkillOutcome.Answered(new JsonObject { ["summary"] = summary, ["wordCount"] = words.Length });
    }

    private static string? Text(JsonElement arguments, string name) =>
        arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static bool TryInteger(JsonElement arguments, string name, int fallback, out int value)
    {
        value = fallback;
        if (arguments.ValueKind != JsonValueKind.Object || !arguments.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        return element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out value);
    }
}

/// <summary>A result for the caller, or an error message (one of the two).</summary>
internal sealed record SkillOutcome(JsonNode? Result, string? Error)
{
    public static SkillOutcome Answered(JsonNode result) => new(result, null);

    public static SkillOutcome Failed(string error) => new(null, error);
}
