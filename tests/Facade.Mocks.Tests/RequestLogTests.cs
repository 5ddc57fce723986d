using System.Net;

namespace Facade.Mocks.Tests;

public sealed class RequestLogTests : LegacyApiTestBase
{
    [Fact]
    public async Task Requests_RecordHeadersAsReceived()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/tasks?status=open&limit=2");
        request.Headers.Add("X-Facade-Subject", "user-42");
        request.Headers.Add("X-Facade-Scopes", "tasks:read");

        using var response = await Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var recorded = Assert.Single(Server.Requests);
        Assert.Equal("GET", recorded.Method);
        Assert.Equal("/api/tasks", recorded.Path);
        Assert.Equal("status=open&limit=2", recorded.Query);
        Assert.Equal(200, recorded.StatusCode);
        Assert.Equal(Bearer, recorded.Header("Authorization"));
        Assert.Equal("user-42", recorded.Header("x-facade-subject"));
        Assert.Equal("tasks:read", recorded.Header("X-Facade-Scopes"));
        Assert.Equal("user-42", recorded.Caller);
        Assert.Null(recorded.Body);
    }

    [Fact]
    public async Task Requests_WithoutSubject_CallerIsUnknown()
    {
        using var response = await Client.GetAsync("/api/organizations", Ct);

        var recorded = Assert.Single(Server.Requests);
        Assert.Equal("unknown", recorded.Caller);
        Assert.False(recorded.HasHeader("X-Facade-Subject"));
        Assert.True(recorded.HasHeader("authorization"));
    }

    [Fact]
    public async Task Requests_RecordRejectedCallsAndBodies()
    {
        using (await Anonymous.GetAsync("/api/tasks", Ct))
        using (await Client.PostAsync("/api/tasks", Json("""{"title":"Logged","organizationId":"org-1"}"""), Ct))
        {
        }

        var requests = Server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal(401, requests[0].StatusCode);
        Assert.False(requests[0].HasHeader("Authorization"));
        Assert.Equal("POST", requests[1].Method);
        Assert.Equal(201, requests[1].StatusCode);
        Assert.Equal("""{"title":"Logged","organizationId":"org-1"}""", requests[1].Body);
    }

    [Fact]
    public async Task ClearRequests_ForgetsRequestsButKeepsData()
    {
        await CreateTaskAsync("Survives");

        Server.ClearRequests();

        Assert.Empty(Server.Requests);
        Assert.Equal(11, (await ListTasksAsync()).Length);
    }
}
