using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Facade.Mocks.Tests;

public sealed class UpdateTaskTests : LegacyApiTestBase
{
    [Fact]
    public async Task Put_ValidBody_ReplacesFieldsAndReturns200()
    {
        using var response = await Client.PutAsync("/api/tasks/task-1", Json("""{"title":"Renamed","status":"done","assignee":"zoe"}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var task = await ReadJsonAsync(response);
        Assert.Equal("task-1", Str(task, "id"));
        Assert.Equal("Renamed", Str(task, "title"));
        Assert.Equal("done", Str(task, "status"));
        Assert.Equal("zoe", Str(task, "assignee"));
        Assert.Equal("org-1", Str(task, "organizationId"));
        Assert.Equal("2024-01-15T09:00:00Z", Str(task, "createdAt"));
        Assert.True(Parse(Str(task, "updatedAt")) > Parse("2024-01-16T00:00:00Z"));
    }

    [Fact]
    public async Task Put_WithoutAssignee_ClearsAssignee()
    {
        using var response = await Client.PutAsync("/api/tasks/task-1", Json("""{"title":"Unassigned","status":"open"}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await ReadJsonAsync(response)).GetProperty("assignee").ValueKind);
    }

    [Fact]
    public async Task Put_IsPersisted()
    {
        using (await Client.PutAsync("/api/tasks/task-5", Json("""{"title":"Stored","status":"in_progress","organizationId":"org-3"}"""), Ct))
        {
        }

        using var response = await Client.GetAsync("/api/tasks/task-5", Ct);
        var task = await ReadJsonAsync(response);
        Assert.Equal("Stored", Str(task, "title"));
        Assert.Equal("in_progress", Str(task, "status"));
        Assert.Equal("org-3", Str(task, "organizationId"));
    }

    [Theory]
    [InlineData("""{"status":"open"}""")]
    [InlineData("""{"title":"No status"}""")]
    [InlineData("""{"title":"Bad status","status":"closed"}""")]
    [InlineData("""{"title":"","status":"open"}""")]
    [InlineData("""{"title":"Bad org","status":"open","organizationId":"org-404"}""")]
    public async Task Put_InvalidBody_Returns400(string json)
    {
        using var response = await Client.PutAsync("/api/tasks/task-1", Json(json), Ct);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Put_UnknownTask_Returns404()
    {
        using var response = await Client.PutAsync("/api/tasks/task-999", Json("""{"title":"x","status":"open"}"""), Ct);

        await AssertErrorAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Patch_Status_UpdatesOnlyStatus()
    {
        using var response = await Client.PatchAsync("/api/tasks/task-3", Json("""{"status":"done"}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var task = await ReadJsonAsync(response);
        Assert.Equal("done", Str(task, "status"));
        Assert.Equal("Review access policies", Str(task, "title"));
        Assert.Equal("alice", Str(task, "assignee"));
        Assert.Equal("org-1", Str(task, "organizationId"));
    }

    [Fact]
    public async Task Patch_NullAssignee_ClearsAssignee()
    {
        using var response = await Client.PatchAsync("/api/tasks/task-3", Json("""{"assignee":null}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var task = await ReadJsonAsync(response);
        Assert.Equal(JsonValueKind.Null, task.GetProperty("assignee").ValueKind);
        Assert.Equal("in_progress", Str(task, "status"));
    }

    [Fact]
    public async Task Patch_IsPersisted()
    {
        using (await Client.PatchAsync("/api/tasks/task-8", Json("""{"title":"Import job fixed","assignee":"hal"}"""), Ct))
        {
        }

        var tasks = await ListTasksAsync("?organization=org-3&status=open");
        var task = Assert.Single(tasks);
        Assert.Equal("Import job fixed", Str(task, "title"));
        Assert.Equal("hal", Str(task, "assignee"));
    }

    [Fact]
    public async Task Patch_MergePatchContentType_IsAccepted()
    {
        using var response = await Client.PatchAsync("/api/tasks/task-3", Json("""{"title":"Merge patched"}""", "application/merge-patch+json"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Merge patched", Str(await ReadJsonAsync(response), "title"));
    }

    [Theory]
    [InlineData("""{"status":"closed"}""")]
    [InlineData("""{"status":null}""")]
    [InlineData("""{"title":null}""")]
    [InlineData("""{"title":""}""")]
    [InlineData("""{"organizationId":"org-404"}""")]
    [InlineData("""{"assignee":7}""")]
    [InlineData("{")]
    [InlineData("[]")]
    public async Task Patch_InvalidBody_Returns400(string json)
    {
        using var response = await Client.PatchAsync("/api/tasks/task-3", Json(json), Ct);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Patch_InvalidBody_LeavesTaskUnchanged()
    {
        using (await Client.PatchAsync("/api/tasks/task-3", Json("""{"title":"Should not stick","status":"closed"}"""), Ct))
        {
        }

        using var response = await Client.GetAsync("/api/tasks/task-3", Ct);
        Assert.Equal("Review access policies", Str(await ReadJsonAsync(response), "title"));
    }

    [Fact]
    public async Task Patch_WrongContentType_Returns415()
    {
        using var response = await Client.PatchAsync("/api/tasks/task-3", Json("""{"status":"done"}""", "text/plain"), Ct);

        await AssertErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task Patch_UnknownTask_Returns404()
    {
        using var response = await Client.PatchAsync("/api/tasks/task-999", Json("""{"status":"done"}"""), Ct);

        await AssertErrorAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    private static DateTimeOffset Parse(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture);
}
