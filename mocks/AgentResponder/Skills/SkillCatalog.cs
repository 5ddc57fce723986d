using System.Text.Json.Nodes;

namespace Facade.Mocks.AgentResponder.Skills;

/// <summary>The skills this runtime announces (<c>skills</c> message, README.md, "Agent channel") on every connect.</summary>
internal static class SkillCatalog
{
    public const string WebSearch = "web_search";

    public const string Summarize = "summarize";

    /// <summary>What a caller of the agent needs (the edge's scope for invoking agents).</summary>
    public const string InvokeScope = "agents:invoke";

    public static JsonObject SkillsMessage() => new()
    {
        ["type"] = "skills",
        ["skills"] = new JsonArray(
            Skill(WebSearch, "Search the web; returns up to limit results, each {title, url, snippet}.", new JsonObject
            {
                ["query"] = new JsonObject { ["type"] = "string", ["minLength"] = 1, ["description"] = "What to search for." },
                ["limit"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 10, ["default"] = 3, ["description"] = "How many results (1-10, default 3)." },
            }, "query"),
            Skill(Summarize, "Summarize a text; returns {summary, wordCount}.", new JsonObject
            {
                ["text"] = new JsonObject { ["type"] = "string", ["minLength"] = 1, ["description"] = "The text to summarize." },
                ["maxWords"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["description"] = "Longest summary, in words." },
            }, "text")),
    };

    private static JsonObject Skill(string name, string description, JsonObject properties, string required) => new()
    {
        ["name"] = name,
        ["description"] = description,
        ["inputSchema"] = new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = new JsonArray(required) },
        ["scopes"] = new JsonArray(InvokeScope),
    };
}
