extern alias responder;

using System.Text.Json;
using responder::Facade.Mocks.AgentResponder.Skills;

namespace Facade.AgentResponder.Tests.Skills;

/// <summary>The responder's answers: deterministic, shaped as the catalog's research skills describe, errors for bad input.</summary>
public sealed class SkillAnswersTests
{
    [Fact]
    public void WebSearch_GivesLimitResults_TheSameForTheSameQuery_AndOthersForAnother()
    {
        var first = SkillAnswers.Answer("web_search", Args("""{"query":"mqtt brokers","limit":4}"""));
        var again = SkillAnswers.Answer("web_search", Args("""{"query":"mqtt brokers","limit":4}"""));
        var other = SkillAnswers.Answer("web_search", Args("""{"query":"oauth 2.1","limit":4}"""));

        Assert.Null(first.Error);
        var results = first.Result!["results"]!.AsArray();
        Assert.Equal(4, results.Count);
        Assert.All(results, r =>
        {
            Assert.StartsWith("mqtt brokers", r!["title"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.StartsWith("https://", r["url"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Contains("mqtt brokers", r["snippet"]!.GetValue<string>(), StringComparison.Ordinal);
        });
        Assert.Equal(first.Result.ToJsonString(), again.Result!.ToJsonString());
        Assert.NotEqual(results[0]!["url"]!.GetValue<string>(), other.Result!["results"]![0]!["url"]!.GetValue<string>());
    }

    [Fact]
    public void WebSearch_DefaultsToThreeResults()
    {
        var outcome = SkillAnswers.Answer("web_search", Args("""{"query":"x"}"""));

        Assert.Equal(SkillAnswers.DefaultLimit, outcome.Result!["results"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("""{"limit":3}""", "web_search needs a non-empty 'query'")]
    [InlineData("""{"query":"x","limit":11}""", "web_search: 'limit' must be an integer from 1 to 10")]
    [InlineData("""{"query":"x","limit":"2"}""", "web_search: 'limit' must be an integer from 1 to 10")]
    public void WebSearch_WithBadArguments_IsAnError(string arguments, string error)
    {
        Assert.Equal(error, SkillAnswers.Answer("web_search", Args(arguments)).Error);
    }

    [Fact]
    public void Summarize_KeepsTheFirstMaxWordsWords_AndCountsTheOriginal()
    {
        var outcome = SkillAnswers.Answer("summarize", Args("""{"text":"one two  three\nfour five","maxWords":3}"""));

        Assert.Equal("one two three …", outcome.Result!["summary"]!.GetValue<string>());
        Assert.Equal(5, outcome.Result["wordCount"]!.GetValue<int>());
    }

    [Fact]
    public void Summarize_AShortText_IsTheTextItself()
    {
        var outcome = SkillAnswers.Answer("summarize", Args("""{"text":"short text"}"""));

        Assert.Equal("short text", outcome.Result!["summary"]!.GetValue<string>());
    }

    [Fact]
    public void UnknownTool_IsAnError_NamingIt()
    {
        Assert.Equal("unknown tool 'translate'", SkillAnswers.Answer("translate", Args("{}")).Error);
    }

    [Theory]
    [InlineData(0.0, "")]
    [InlineData(0.25, "4,8")]
    [InlineData(0.5, "2,4,6,8")]
    [InlineData(1.0, "1,2,3,4,5,6,7,8")]
    public void FailurePlan_FailsEvenlySpreadCalls_TheSameEveryRun(double rate, string failing)
    {
        var plan = new FailurePlan(rate);

        var failed = Enumerable.Range(1, 8).Where(_ => plan.NextFails());

        Assert.Equal(failing, string.Join(',', failed));
    }

    private static JsonElement Args(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
