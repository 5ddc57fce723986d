using System.Net;
using System.Text.Json;

namespace Facade.Mocks.Tests;

public sealed class ListTasksTests : LegacyApiTestBase
{
    [Fact]
    public async Task List_NoFilters_ReturnsSeededTasks()
    {
        var tasks = await ListTasksAsync();

        Assert.Equal(10, tasks.Length);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"task-{i}"), tasks.Select(t => Str(t, "id")));
    }

    [Fact]
    public async Task List_TaskShape_HasAllFieldsWithIsoTimestamps()
    {
        var task = (await ListTasksAsync()).First();

        Assert.Equal(
            ["id", "title", "status", "organizationId", "assignee", "createdAt", "updatedAt"],
            task.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2024-01-15T09:00:00Z", Str(task, "createdAt"));
        Assert.True(DateTimeOffset.TryParse(Str(task, "updatedAt"), out _));
    }

    [Theory]
    [InlineData("open", 4)]
    [InlineData("in_progress", 3)]
    [InlineData("done", 3)]
    public async Task List_FilterByStatus_ReturnsOnlyMatching(string status, int expected)
    {
        var tasks = await ListTasksAsync($"?status={status}");

        Assert.Equal(expected, tasks.Length);
        Assert.All(tasks, t => Assert.Equal(status, Str(t, "status")));
    }

    [Fact]
    public async Task List_FilterByOrganization_ReturnsOnlyMatching()
    {
        var tasks = await ListTasksAsync("?organization=org-2");

        Assert.Equal(3, tasks.Length);
        Assert.All(tasks, t => Assert.Equal("org-2", Str(t, "organizationId")));
    }

    [Fact]
    public async Task List_FilterByStatusAndOrganization_ReturnsIntersection()
    {
        var tasks = await ListTasksAsync("?status=open&organization=org-1");

        Assert.Equal(["task-1", "task-4"], tasks.Select(t => Str(t, "id")));
    }

    [Fact]
    public async Task List_UnknownOrganization_ReturnsEmptyArray()
    {
        Assert.Empty(await ListTasksAsync("?organization=org-404"));
    }

    [Fact]
    public async Task List_InvalidStatus_Returns400()
    {
        using var response = await Client.GetAsync("/api/tasks?status=closed", Ct);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task List_CommaSeparatedStatus_IsOneInvalidValue()
    {
        using var response = await Client.GetAsync("/api/tasks?status=open,done", Ct);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task List_Limit_ReturnsAtMostLimit()
    {
        var tasks = await ListTasksAsync("?limit=3");

        Assert.Equal(["task-1", "task-2", "task-3"], tasks.Select(t => Str(t, "id")));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("+5")]
    [InlineData("5&limit=6")]
    public async Task List_InvalidLimit_Returns400(string limit)
    {
        using var response = await Client.GetAsync($"/api/tasks?limit={limit}", Ct);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task List_MoreThan50Tasks_CapsAt50()
    {
        for (var i = 0; i < 45; i++)
        {
            await CreateTaskAsync($"Bulk {i}");
        }

        Assert.Equal(50, (await ListTasksAsync()).Length);
        Assert.Equal(50, (await ListTasksAsync("?limit=500")).Length);
        Assert.Equal(50, (await ListTasksAsync("?limit=99999999999999")).Length);
        Assert.Equal(50, (await ListTasksAsync("?limit=50")).Length);
        Assert.Equal(49, (await ListTasksAsync("?limit=49")).Length);
    }

    [Fact]
    public async Task List_NewTasks_AreFilteredLikeSeededOnes()
    {
        await CreateTaskAsync("Fresh done task", "org-3", "done");

        var tasks = await ListTasksAsync("?status=done&organization=org-3");

        Assert.Equal(["task-9", "task-11"], tasks.Select(t => Str(t, "id")));
        Assert.Equal(JsonValueKind.Null, tasks[1].GetProperty("assignee").ValueKind);
    }
}
