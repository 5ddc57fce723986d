using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Facade.Mocks.Tests;

public sealed class CreateTaskTests : LegacyApiTestBase
{
    [Fact]
    public async Task Create_Valid_Returns201WithLocationAndTask()
    {
        using var response = await PostTaskAsync(new { title = "Write runbook", organizationId = "org-2", status = "in_progress", assignee = "gina" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/tasks/task-11", response.Headers.Location?.OriginalString);
        var task = await ReadJsonAsync(response);
        Assert.Equal("task-11", Str(task, "id"));
        Assert.Equal("Write runbook", Str(task, "title"));
        Assert.Equal("in_progress", Str(task, "status"));
        Assert.Equal("org-2", Str(task, "organizationId"));
        Assert.Equal("gina", Str(task, "assignee"));
        Assert.Equal(Str(task, "createdAt"), Str(task, "updatedAt"));
        Assert.True(DateTimeOffset.Parse(Str(task, "createdAt"), System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task Create_Valid_IsReadableAtLocationAndAppearsInList()
    {
        using var response = await PostTaskAsync(new { title = "Persisted", organizationId = "org-1" });
        var created = await ReadJsonAsync(response);

        using var fetched = await Client.GetAsync(response.Headers.Location, Ct);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal(created.GetRawText(), (await ReadJsonAsync(fetched)).GetRawText());
        Assert.Contains(await ListTasksAsync(), t => Str(t, "id") == Str(created, "id"));
    }

    [Fact]
    public async Task Create_WithoutStatus_DefaultsToOpenAndNullAssignee()
    {
        var task = await CreateTaskAsync("Defaults");

        Assert.Equal("open", Str(task, "status"));
        Assert.Equal(JsonValueKind.Null, task.GetProperty("assignee").ValueKind);
    }

    [Fact]
    public async Task Create_Twice_GeneratesSequentialIds()
    {
        var first = await CreateTaskAsync("First");
        var second = await CreateTaskAsync("Second");

        Assert.Equal("task-11", Str(first, "id"));
        Assert.Equal("task-12", Str(second, "id"));
    }

    [Fact]
    public async Task Create_Concurrently_GeneratesUniqueIds()
    {
        var tasks = await Task.WhenAll(Enumerable.Range(0, 25).Select(i => CreateTaskAsync($"Parallel {i}")));

        Assert.Equal(25, tasks.Select(t => Str(t, "id")).Distinct().Count());
        Assert.Equal(35, (await ListTasksAsync()).Length);
    }

    [Fact]
    public async Task Create_TitleOf200Chars_IsAccepted()
    {
        var task = await CreateTaskAsync(new string('a', 200));

        Assert.Equal(200, Str(task, "title").Length);
    }

    [Fact]
    public async Task Create_MissingTitle_Returns400()
    {
        using var response = await PostTaskAsync(new { organizationId = "org-1" });

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Create_UnknownOrganization_Returns400()
    {
        using var response = await PostTaskAsync(new { title = "Orphan", organizationId = "org-404" });

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Create_BadStatus_Returns400()
    {
        using var response = await PostTaskAsync(new { title = "Odd", organizationId = "org-1", status = "closed" });

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("""{"title":"","organizationId":"org-1"}""")]
    [InlineData("""{"title":"   ","organizationId":"org-1"}""")]
    [InlineData("""{"title":null,"organizationId":"org-1"}""")]
    [InlineData("""{"title":42,"organizationId":"org-1"}""")]
    [InlineData("""{"title":"No org"}""")]
    [InlineData("""{"title":"Org not a string","organizationId":1}""")]
    [InlineData("""{"title":"Status not a string","organizationId":"org-1","status":1}""")]
    [InlineData("""{"title":"Status wrong case","organizationId":"org-1","status":"OPEN"}""")]
    [InlineData("""{"title":"Assignee not a string","organizationId":"org-1","assignee":["a"]}""")]
    [InlineData("""[{"title":"Array","organizationId":"org-1"}]""")]
    [InlineData("\"just a string\"")]
    [InlineData("null")]
    public async Task Create_InvalidBody_Returns400(string json)
    {
        using var response = await Client.PostAsync("/api/tasks", Json(json), Ct);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Create_TitleTooLong_Returns400()
    {
        using var response = await PostTaskAsync(new { title = new string('a', 201), organizationId = "org-1" });

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"title": "x", }""")]
    [InlineData("not json at all")]
    [InlineData("")]
    public async Task Create_MalformedJson_Returns400(string body)
    {
        using var response = await Client.PostAsync("/api/tasks", Json(body), Ct);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task Create_WrongContentType_Returns415(string mediaType)
    {
        using var response = await Client.PostAsync("/api/tasks", Json("""{"title":"x","organizationId":"org-1"}""", mediaType), Ct);

        await AssertErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task Create_MissingContentType_Returns415()
    {
        var content = new ByteArrayContent("""{"title":"x","organizationId":"org-1"}"""u8.ToArray());
        using var response = await Client.PostAsync("/api/tasks", content, Ct);

        await AssertErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task Create_InvalidRequests_DoNotChangeState()
    {
        using (await PostTaskAsync(new { title = "", organizationId = "org-1" }))
        using (await Client.PostAsync("/api/tasks", Json("{"), Ct))
        {
        }

        Assert.Equal(10, (await ListTasksAsync()).Length);
        Assert.Equal("task-11", Str(await CreateTaskAsync("Next"), "id"));
    }

    [Fact]
    public async Task Create_JsonSubtypeContentType_IsAccepted()
    {
        using var response = await Client.PostAsync("/api/tasks", Json("""{"title":"Vendor type","organizationId":"org-3"}""", "application/vnd.legacy+json"), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("org-3", Str(await response.Content.ReadFromJsonAsync<JsonElement>(Ct), "organizationId"));
    }
}
