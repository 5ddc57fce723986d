using System.Net;
using System.Text.Json;

namespace Facade.DeviceEdge.Tests.Shadows;

/// <summary>
/// <c>PATCH /devices/{id}/shadow/desired</c>: JSON merge patch semantics (RFC 7396), the version moving only on a
/// change, the known keys checked, and bad input answered with the documented status and JSON error.
/// </summary>
public sealed class ShadowPatchTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task MergePatch_MergesObjects_RemovesNulls_AndReplacesEverythingElse()
    {
        var (http, device) = await DeviceAsync();
        using (http)
        {
            await PatchAsync(http, device, """{"thresholds":{"temperature":30,"humidity":70},"tags":["a","b"],"mode":"eco"}""");
            var shadow = await PatchAsync(http, device, """{"thresholds":{"humidity":null,"co2":1000},"tags":["c"],"mode":null,"extra":{"x":[1,2]}}""");

            Assert.Equal("""{"thresholds":{"temperature":30,"co2":1000},"tags":["c"],"extra":{"x":[1,2]}}""", shadow.GetProperty("desired").GetRawText());
            Assert.Equal(2, shadow.GetProperty("desiredVersion").GetInt64());
            Assert.Equal(0, shadow.GetProperty("reportedVersion").GetInt64());
            Assert.Equal("{}", shadow.GetProperty("reported").GetRawText());
        }
    }

    [Fact]
    public async Task PatchThatChangesNothing_KeepsTheVersion()
    {
        var (http, device) = await DeviceAsync();
        using (http)
        {
            var first = await PatchAsync(http, device, """{"reportingIntervalSeconds":30}""");
            var again = await PatchAsync(http, device, """{"reportingIntervalSeconds":30,"gone":null}""");

            Assert.Equal(1, again.GetProperty("desiredVersion").GetInt64());
            Assert.Equal(first.GetProperty("desiredAt").GetDateTimeOffset(), again.GetProperty("desiredAt").GetDateTimeOffset());
        }
    }

    [Fact]
    public async Task NewDevice_HasAnEmptyShadow_InSync()
    {
        var (http, device) = await DeviceAsync();
        using (http)
        {
            var (status, shadow) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{device}/shadow");

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(device, shadow.Text("deviceId"));
            Assert.Equal("{}", shadow.GetProperty("desired").GetRawText());
            Assert.Equal("{}", shadow.GetProperty("delta").GetRawText());
            Assert.True(shadow.GetProperty("inSync").GetBoolean());
            Assert.Equal(JsonValueKind.Null, shadow.GetProperty("desiredAt").ValueKind);
        }
    }

    public static TheoryData<string, string> BadPatches => new()
    {
        { "[]", "The body must be a JSON object" },
        { "\"x\"", "The body must be a JSON object" },
        { "42", "The body must be a JSON object" },
        { "null", "JSON object" },
        { "{", "not valid" },
        { """{"a":1,"a":2}""", "not valid" },
        { """{"reportingIntervalSeconds":0}""", "'reportingIntervalSeconds' must be a whole number from 1 to 86400." },
        { """{"reportingIntervalSeconds":86401}""", "'reportingIntervalSeconds' must be" },
        { """{"reportingIntervalSeconds":1.5}""", "'reportingIntervalSeconds' must be" },
        { """{"reportingIntervalSeconds":"60"}""", "'reportingIntervalSeconds' must be" },
        { """{"thresholds":[30]}""", "'thresholds' must be an object of numbers" },
        { """{"thresholds":{"temperature":"hot"}}""", "'thresholds' must be an object of numbers" },
        { """{"thresholds":{"temperature":{"max":1}}}""", "'thresholds' must be" },
        { """{"tags":"lab"}""", "'tags' must be an array of at most 20 strings" },
        { """{"tags":[1]}""", "'tags' must be" },
        { """{"tags":[""]}""", "'tags' must be" },
        { """{"tags":["a\u0001"]}""", "'tags' must be" },
        { "{\"tags\":[" + string.Join(',', Enumerable.Range(0, 21).Select(i => $"\"t{i}\"")) + "]}", "'tags' must be" },
        { "{\"" + new string('k', 65) + "\":1}", "Keys must be 1 to 64 characters" },
        { """{"":1}""", "Keys must be" },
    };

    [Theory]
    [MemberData(nameof(BadPatches))]
    public async Task BadPatch_Returns400WithTheProblem_AndChangesNothing(string body, string problem)
    {
        var (http, device) = await DeviceAsync();
        using (http)
        {
            var (status, json) = await http.SendJsonAsync(HttpMethod.Patch, $"devices/{device}/shadow/desired", body);
            var (_, shadow) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{device}/shadow");

            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("invalid_request", json.Text("error"));
            Assert.Contains(problem, json.Text("error_description"), StringComparison.Ordinal);
            Assert.Equal(0, shadow.GetProperty("desiredVersion").GetInt64());
        }
    }

    [Fact]
    public async Task PatchMakingAKnownKeyInvalid_IsRefused()
    {
        var (http, device) = await DeviceAsync();
        using (http)
        {
            await PatchAsync(http, device, """{"thresholds":{"temperature":30}}""");

            var (status, json) = await http.SendJsonAsync(HttpMethod.Patch, $"devices/{device}/shadow/desired", """{"thresholds":{"humidity":"high"}}""");

            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("'thresholds'", json.Text("error_description"), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task NotJson_Returns415(string contentType)
    {
        var (http, device) = await DeviceAsync();
        using (http)
        {
            var (status, json) = await http.SendJsonAsync(HttpMethod.Patch, $"devices/{device}/shadow/desired", """{"tags":["a"]}""", contentType);

            Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
            Assert.Equal("unsupported_media_type", json.Text("error"));
        }
    }

    [Fact]
    public async Task BodyOverTheRequestLimit_Returns413()
    {
        var (http, device) = await DeviceAsync();
        using (http)
        {
            var (status, json) = await http.SendJsonAsync(HttpMethod.Patch, $"devices/{device}/shadow/desired", $$"""{"blob":"{{new string('x', 20_000)}}"}""");

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
            Assert.Equal("request_too_large", json.Text("error"));
        }
    }

    [Fact]
    public async Task DesiredStateOverItsLimit_Returns413()
    {
        var (http, device) = await DeviceAsync();
        using (http)
        {
            await PatchAsync(http, device, $$"""{"a":"{{new string('x', 5_000)}}"}""");

            var (status, json) = await http.SendJsonAsync(HttpMethod.Patch, $"devices/{device}/shadow/desired", $$"""{"b":"{{new string('y', 5_000)}}"}""");

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
            Assert.Equal("The desired state would be larger than 8192 bytes.", json.Text("error_description"));
        }
    }

    private static async Task<JsonElement> PatchAsync(HttpClient http, string device, string patch)
    {
        var (status, json) = await http.SendJsonAsync(HttpMethod.Patch, $"devices/{device}/shadow/desired", patch);
        Assert.True(status == HttpStatusCode.OK, $"{status}: {json}");
        return json;
    }

    private async Task<(HttpClient Http, string Device)> DeviceAsync()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        return (fixture.Client(owner), device.Id);
    }
}
