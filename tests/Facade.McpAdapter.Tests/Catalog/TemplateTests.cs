using Facade.McpAdapter.Backend;
using Facade.McpAdapter.Catalog;

namespace Facade.McpAdapter.Tests.Catalog;

public sealed class TemplateTests
{
    [Fact]
    public void PromptTemplate_RendersValues_AndSectionsOnlyWhenGiven()
    {
        Assert.True(PromptTemplate.TryParse("A{{#x}} x={{ x }}{{#y}}, y={{y}}{{/y}}{{/x}}. {{y}}!", out var template, out _));
        Assert.Equal(new HashSet<string> { "x", "y" }, template!.ArgumentNames);

        Assert.Equal("A. !", template.Render(new Dictionary<string, string>()));
        Assert.Equal("A x=1. !", template.Render(new Dictionary<string, string> { ["x"] = "1" }));
        Assert.Equal("A x=1, y=2. 2!", template.Render(new Dictionary<string, string> { ["x"] = "1", ["y"] = "2" }));
        Assert.Equal("A. 2!", template.Render(new Dictionary<string, string> { ["y"] = "2" }));
    }

    [Theory]
    [InlineData("{{/x}}", "template closes section 'x' that is not open")]
    [InlineData("{{#x}}{{#y}}{{/x}}{{/y}}", "template closes section 'x' that is not open")]
    [InlineData("{{}}", "template has an invalid placeholder '{{}}'")]
    [InlineData("{{a b}}", "template has an invalid placeholder '{{a b}}'")]
    public void PromptTemplate_RejectsBrokenSyntax(string text, string expected)
    {
        Assert.False(PromptTemplate.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void PromptDefinition_TreatsEmptyOptionalValuesAsAbsent()
    {
        using var files = new CatalogTestFiles();
        var catalog = files.Parse(CatalogJson.With(CatalogJson.GetTaskTool, """
            , "prompts": [ { "name": "p", "description": "d", "arguments": [ { "name": "org" }, { "name": "who", "required": true } ],
                             "template": "Hi {{who}}{{#org}} of {{org}}{{/org}}." } ]
            """));
        Assert.True(catalog.Default.TryGetPrompt("p", out var prompt));

        Assert.True(prompt.TryRender(new Dictionary<string, string> { ["who"] = " Ann ", ["org"] = "" }, out var text, out _));
        Assert.Equal("Hi Ann.", text);
        Assert.False(prompt.TryRender(new Dictionary<string, string> { ["who"] = "  " }, out _, out var error));
        Assert.Equal("Invalid arguments for prompt 'p': 'who' is required.", error);
    }

    [Fact]
    public void UriTemplate_MatchesOneSegmentPerVariable_AndDecodes()
    {
        Assert.True(UriTemplate.TryParseResource("facade://organizations/{org}/tasks/{id}", out var template, out _));
        Assert.Equal(["org", "id"], template!.Variables);

        Assert.True(template.TryMatch("facade://organizations/org-1/tasks/task%201", out var values));
        Assert.Equal("org-1", values["org"]);
        Assert.Equal("task 1", values["id"]);

        Assert.False(template.TryMatch("facade://organizations/org-1/tasks/a/b", out _));
        Assert.False(template.TryMatch("facade://organizations//tasks/x", out _));
        Assert.False(template.TryMatch("facade://organizations/org-1/tasks/x?y=1", out _));
        Assert.False(template.TryMatch("FACADE://organizations/org-1/tasks/x", out _));
    }

    [Theory]
    [InlineData("/api/tasks/{id}", new[] { "id" }, null)]
    [InlineData("/api/orgs/{org}/tasks/{task-id}.json", new[] { "org", "task-id" }, null)]
    [InlineData("/api/tasks?status=open&limit=5", new string[0], "status=open&limit=5")]
    public void PathTemplate_ParsesVariablesAndFixedQuery(string text, string[] variables, string? query)
    {
        Assert.True(UriTemplate.TryParsePath(text, out var template, out _));
        Assert.Equal(variables, template!.Variables);
        Assert.Equal(query, template.FixedQuery);
    }

    [Theory]
    [InlineData("/api/{id}/{id}", "uses variable {id} twice")]
    [InlineData("/api/id}", "has a '}' without a matching '{'")]
    [InlineData("/api/{1id}", "has an invalid variable name '{1id}'")]
    [InlineData("/api/tasks#frag", "must not contain '#' or whitespace")]
    [InlineData("/api/ tasks", "must not contain '#' or whitespace")]
    public void PathTemplate_RejectsBrokenTemplates(string text, string expected)
    {
        Assert.False(UriTemplate.TryParsePath(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("path", "/api/{+path}", "path '/api/{+path}' has an invalid variable name '{+path}'")]
    [InlineData("uriTemplate", "facade://x/{+path}", "uriTemplate 'facade://x/{+path}' has an invalid variable name '{+path}'")]
    [InlineData("path", "/api/{id}/{id}", "path '/api/{id}/{id}' uses variable {id} twice")]
    [InlineData("uriTemplate", "facade://x/{id}/{id}", "uriTemplate 'facade://x/{id}/{id}' uses variable {id} twice")]
    [InlineData("path", "/api/{id", "path '/api/{id' has an unclosed '{'")]
    [InlineData("uriTemplate", "facade://x/{id", "uriTemplate 'facade://x/{id' has an unclosed '{'")]
    public void PathsAndResourceUris_ShareOneTemplateParser(string kind, string text, string expected)
    {
        var parsed = kind == "path" ? UriTemplate.TryParsePath(text, out _, out var error) : UriTemplate.TryParseResource(text, out _, out error);

        Assert.False(parsed);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Template_ExpandsEachValueAsOneSegment_AndMatchesItBack()
    {
        Assert.True(UriTemplate.TryParsePath("/api/orgs/{org}/tasks/{task-id}", out var path, out _));
        var expanded = path!.Expand(new Dictionary<string, string> { ["org"] = "a/b", ["task-id"] = "x y?" });

        Assert.Equal("/api/orgs/a%2Fb/tasks/x%20y%3F", expanded);
        Assert.True(path.TryMatch(expanded, out var values));
        Assert.Equal("a/b", values["org"]);
        Assert.Equal("x y?", values["task-id"]);
    }

    [Theory]
    [InlineData("$", true)]
    [InlineData("data.items", true)]
    [InlineData("$.data.items.0", true)]
    [InlineData("data[0]", false)]
    [InlineData("$..x", false)]
    [InlineData("a.*", false)]
    [InlineData("", false)]
    public void ResultSelector_Syntax(string text, bool valid)
    {
        Assert.Equal(valid, ResultSelector.TryParse(text, out _, out _));
    }
}
