using System.Net;

namespace Facade.Mocks.Tests;

public sealed class GetTaskTests : LegacyApiTestBase
{
    [Fact]
    public async Task Get_ExistingTask_ReturnsTask()
    {
        using var response = await Client.GetAsync("/api/tasks/task-2", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var task = await ReadJsonAsync(response);
        Assert.Equal("task-2", Str(task, "id"));
        Assert.Equal("Renew TLS certificates", Str(task, "title"));
        Assert.Equal("done", Str(task, "status"));
        Assert.Equal("org-1", Str(task, "organizationId"));
        Assert.Equal("bob", Str(task, "assignee"));
    }

    [Fact]
    public async Task Get_UnknownTask_Returns404()
    {
        using var response = await Client.GetAsync("/api/tasks/task-999", Ct);

        await AssertErrorAsync(response, HttpStatusCode.NotFound, "not_found");
    }
}
