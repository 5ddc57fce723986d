using System.Text.Json;
using Facade.McpAdapter.Catalog;

namespace Facade.McpAdapter.Tests.Catalog;

public sealed class ArgumentValidatorTests
{
    private static readonly ToolCatalog Catalog = CatalogTestFiles.LoadShipped();

    [Theory]
    [InlineData("list_tasks", """{}""")]
    [InlineData("list_tasks", """{"status":"open","organization":"org-1","limit":50}""")]
    [InlineData("get_task", """{"id":"task-1"}""")]
    [InlineData("create_task", """{"title":"Write docs","organizationId":"org-1","assignee":null}""")]
    [InlineData("update_task", """{"id":"task-1","status":"done","assignee":null}""")]
    [InlineData("list_organizations", """{}""")]
    public void ValidArguments_HaveNoErrors(string tool, string arguments)
    {
        Assert.Empty(ArgumentValidator.Validate(Tool(tool), Json(arguments)));
    }

    [Theory]
    [InlineData("list_tasks", """{"status":"closed"}""", "'status' must be one of: open, in_progress, done")]
    [InlineData("list_tasks", """{"limit":51}""", "'limit' must be at most 50")]
    [InlineData("list_tasks", """{"limit":0}""", "'limit' must be at least 1")]
    [InlineData("list_tasks", """{"limit":"ten"}""", "'limit' must be an integer")]
    [InlineData("list_tasks", """{"limit":2.5}""", "'limit' must be an integer")]
    [InlineData("list_tasks", """{"stauts":"open"}""", "'stauts' is not a known argument")]
    [InlineData("list_tasks", """{"organization":""}""", "'organization' must be at least 1 characters long")]
    [InlineData("get_task", """{}""", "'id' is required")]
    [InlineData("get_task", """{"id":7}""", "'id' must be a string")]
    [InlineData("create_task", """{"organizationId":"org-1"}""", "'title' is required")]
    [InlineData("create_task", """{"title":"x","organizationId":"org-1","assignee":5}""", "'assignee' must be a string or null")]
    [InlineData("update_task", """{"id":"task-1","title":""}""", "'title' must be at least 1 characters long")]
    public void InvalidArguments_AreExplained(string tool, string arguments, string expected)
    {
        var errors = ArgumentValidator.Validate(Tool(tool), Json(arguments));
        Assert.Contains(expected, errors);
    }

    [Fact]
    public void SeveralProblems_AreAllReported()
    {
        var errors = ArgumentValidator.Validate(Tool("create_task"), Json("""{"status":"closed","assignee":false,"colour":"red"}"""));
        Assert.Contains("'title' is required", errors);
        Assert.Contains("'organizationId' is required", errors);
        Assert.Contains("'status' must be one of: open, in_progress, done", errors);
        Assert.Contains("'assignee' must be a string or null", errors);
        Assert.Contains("'colour' is not a known argument", errors);
        Assert.Equal(errors.Count, errors.Distinct().Count());
    }

    [Fact]
    public void MissingOrNullArguments_CountAsEmptyObject()
    {
        Assert.Empty(ArgumentValidator.Validate(Tool("list_tasks"), null));
        Assert.Empty(ArgumentValidator.Validate(Tool("list_tasks"), Json("null")));
        Assert.Equal(["'id' is required"], ArgumentValidator.Validate(Tool("get_task"), null));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"task-1\"")]
    [InlineData("42")]
    public void NonObjectArguments_AreRejected(string arguments)
    {
        Assert.Equal(["the arguments must be a JSON object"], ArgumentValidator.Validate(Tool("get_task"), Json(arguments)));
    }

    [Fact]
    public void NestedProblems_NameThePath_FormatsArePatternsAreChecked()
    {
        using var files = new CatalogTestFiles();
        var catalog = files.Parse(CatalogJson.With(CatalogJson.Tool(
            name: "nested",
            inputSchema: """
                {
                  "type": "object",
                  "properties": {
                    "id": { "type": "string", "pattern": "^task-[0-9]+$" },
                    "due": { "type": "string", "format": "date-time" },
                    "labels": { "type": "array", "items": { "$ref": "#/$defs/label" }, "maxItems": 2, "uniqueItems": true },
                    "owner": { "type": "object", "properties": { "name": { "type": "string" } }, "required": ["name"], "additionalProperties": false },
                    "kind": { "const": "bug" }
                  },
                  "required": ["id"],
                  "$defs": { "label": { "type": "string", "minLength": 2 } }
                }
                """)));
        Assert.True(catalog.TryGetTool("nested", out var tool));

        var errors = ArgumentValidator.Validate(tool, Json("""
            { "id": "x1", "due": "tomorrow", "labels": ["a", "bb", "bb"], "owner": { "nick": "al" }, "kind": "feature" }
            """));

        Assert.Contains("'id' must match the pattern ^task-[0-9]+$", errors);
        Assert.Contains("'due' must be a valid date-time", errors);
        Assert.Contains("'labels[0]' must be at least 2 characters long", errors);
        Assert.Contains("'labels' must have at most 2 items", errors);
        Assert.Contains("'labels' must not contain duplicate items", errors);
        Assert.Contains("'owner.name' is required", errors);
        Assert.Contains("'owner.nick' is not an allowed property", errors);
        Assert.Contains("'kind' must be bug", errors);
    }

    [Fact]
    public void Validation_IsSafeInParallel()
    {
        var tool = Tool("list_tasks");
        Parallel.For(0, 200, i =>
        {
            var errors = ArgumentValidator.Validate(tool, Json(i % 2 == 0 ? """{"status":"open"}""" : """{"status":"nope"}"""));
            Assert.Equal(i % 2 == 0, errors.Count == 0);
        });
    }

    private static ToolDefinition Tool(string name)
    {
        Assert.True(Catalog.TryGetTool(name, out var tool));
        return tool;
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
