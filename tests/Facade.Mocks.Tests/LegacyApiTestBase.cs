using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Facade.Mocks.LegacyApi;

namespace Facade.Mocks.Tests;

/// <summary>
/// Every test gets its own server on a free port with freshly seeded data, so tests never
/// depend on each other's writes and classes run in parallel.
/// </summary>
public abstract class LegacyApiTestBase : IDisposable
{
    protected const string Bearer = "Bearer test-token";

    protected LegacyApiTestBase()
    {
        Server = LegacyApiServer.Start();
        Client = new HttpClient { BaseAddress = new Uri(Server.Url) };
        Client.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(Bearer);
        Anonymous = new HttpClient { BaseAddress = new Uri(Server.Url) };
    }

    protected LegacyApiServer Server { get; }

    /// <summary>Sends <c>Authorization: Bearer test-token</c> on every request.</summary>
    protected HttpClient Client { get; }

    /// <summary>Sends no Authorization header.</summary>
    protected HttpClient Anonymous { get; }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Client.Dispose();
        Anonymous.Dispose();
        Server.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static StringContent Json(string json, string mediaType = "application/json") =>
        new(json, Encoding.UTF8, mediaType);

    protected Task<HttpResponseMessage> PostTaskAsync(object body) =>
        Client.PostAsJsonAsync("/api/tasks", body, Ct);

    protected async Task<JsonElement> CreateTaskAsync(string title, string organizationId = "org-1", string? status = null)
    {
        using var response = await PostTaskAsync(status is null
            ? new { title, organizationId }
            : new { title, organizationId, status });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    protected async Task<JsonElement[]> ListTasksAsync(string query = "")
    {
        using var response = await Client.GetAsync("/api/tasks" + query, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadJsonAsync(response);
        Assert.Equal(JsonValueKind.Array, body.ValueKind);
        return [.. body.EnumerateArray()];
    }

    protected static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    /// <summary>Asserts the status and the shared <c>{"error": …, "error_description": …}</c> body.</summary>
    protected static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await ReadJsonAsync(response);
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("error_description").GetString()));
        var text = body.GetRawText();
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    protected static string Str(JsonElement element, string property) =>
        element.GetProperty(property).GetString()!;
}
