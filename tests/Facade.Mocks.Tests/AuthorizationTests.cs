using System.Net;

namespace Facade.Mocks.Tests;

public sealed class AuthorizationTests : LegacyApiTestBase
{
    [Theory]
    [InlineData("GET", "/api/organizations")]
    [InlineData("GET", "/api/tasks")]
    [InlineData("GET", "/api/tasks/task-1")]
    [InlineData("POST", "/api/tasks")]
    [InlineData("PUT", "/api/tasks/task-1")]
    [InlineData("PATCH", "/api/tasks/task-1")]
    [InlineData("DELETE", "/api/tasks/task-1")]
    [InlineData("GET", "/api/does-not-exist")]
    [InlineData("GET", "/api")]
    public async Task AnyApiRoute_WithoutAuthorization_Returns401(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = Json("""{"title":"x","organizationId":"org-1","status":"open"}""");
        }

        using var response = await Anonymous.SendAsync(request, Ct);

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Api_WithEmptyAuthorization_Returns401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/tasks");
        request.Headers.TryAddWithoutValidation("Authorization", "");

        using var response = await Anonymous.SendAsync(request, Ct);

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Create_WithoutAuthorization_DoesNotCreate()
    {
        using var response = await Anonymous.PostAsync("/api/tasks", Json("""{"title":"Sneaky","organizationId":"org-1"}"""), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(await ListTasksAsync(), t => Str(t, "title") == "Sneaky");
    }

    [Fact]
    public async Task Api_WithAnyAuthorizationScheme_IsAccepted()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/organizations");
        request.Headers.TryAddWithoutValidation("Authorization", "Basic Zm9vOmJhcg==");

        using var response = await Anonymous.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/does-not-exist")]
    [InlineData("DELETE", "/api/tasks/task-1")]
    [InlineData("GET", "/api/tasks/")]
    [InlineData("GET", "/api/tasks/task-1/comments")]
    public async Task UnknownApiRoute_WithAuthorization_Returns404(string method, string path)
    {
        using var response = await Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);

        await AssertErrorAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task UnknownPathOutsideApi_Returns404Json()
    {
        using var response = await Anonymous.GetAsync("/nothing-here", Ct);

        await AssertErrorAsync(response, HttpStatusCode.NotFound, "not_found");
    }
}
