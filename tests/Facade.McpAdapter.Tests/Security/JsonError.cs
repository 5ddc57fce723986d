using System.Net;
using System.Text.Json;

namespace Facade.McpAdapter.Tests.Security;

internal static class JsonError
{
    /// <summary>Checks status, JSON content type and the <c>error</c> code, and that no secret or stack trace leaks.</summary>
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, HttpStatusCode status, string error, params string[] secrets)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"Expected {(int)status} but got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        foreach (var leak in secrets.Append("Exception").Append("   at "))
        {
            Assert.DoesNotContain(leak, text, StringComparison.Ordinal);
        }

        var json = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(error, json.GetProperty("error").GetString());
        return json;
    }
}
