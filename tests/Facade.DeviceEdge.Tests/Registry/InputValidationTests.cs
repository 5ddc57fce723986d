using System.Net;

namespace Facade.DeviceEdge.Tests.Registry;

/// <summary>Bad input to every endpoint gets a clear JSON error with the documented status, never a stack trace.</summary>
public sealed class InputValidationTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    public static TheoryData<string, string> BadCreateBodies => new()
    {
        { """{"name":"x","type":"sensor""", "not valid" },
        { "[]", "not valid" },
        { "null", "JSON object" },
        { "\"text\"", "not valid" },
        { """{"type":"sensor"}""", "'name' is required" },
        { """{"name":"  ","type":"sensor"}""", "'name' is required" },
        { """{"name":"x"}""", "'type' is required" },
        { """{"name":"x","type":"has space"}""", "'type' must match" },
        { """{"name":"x","type":"sensor","nmae":"typo"}""", "not valid at" },
        { """{"name":"x","type":"sensor","name":"twice"}""", "not valid at" },
        { """{"name":null,"type":"sensor"}""", "'name' is required" },
        { """{"name":"x","type":"sensor","tags":"one"}""", "not valid at" },
        { """{"name":"x","type":"sensor","tags":[null]}""", "Tag 'null'" },
        { """{"name":"x","type":"sensor","tags":["white space"]}""", "Tag 'white space'" },
        { """{"name":"x","type":"sensor","firmwareVersion":7}""", "not valid at" },
        { """{"id":"Upper","name":"x","type":"sensor"}""", "'id' must match" },
        { """{"id":"a/b","name":"x","type":"sensor"}""", "'id' must match" },
        { """{"id":"a+","name":"x","type":"sensor"}""", "'id' must match" },
        { """{"id":"#","name":"x","type":"sensor"}""", "'id' must match" },
        { """{"id":"a b","name":"x","type":"sensor"}""", "'id' must match" },
        { """{"id":"abc\n","name":"x","type":"sensor"}""", "'id' must match" },
        { """{"id":"summary","name":"x","type":"sensor"}""", "'id' must match" },
        { """{"id":"-leading","name":"x","type":"sensor"}""", "'id' must match" },
        { "{\"id\":\"" + new string('a', 65) + "\",\"name\":\"x\",\"type\":\"sensor\"}", "'id' must match" },
        { "{\"name\":\"" + new string('n', 101) + "\",\"type\":\"sensor\"}", "'name' must be at most" },
        { """{"name":"bell\u0007","type":"sensor"}""", "'name' must be at most" },
    };

    [Theory]
    [MemberData(nameof(BadCreateBodies))]
    public async Task Create_BadBody_Returns400WithTheProblem(string body, string problem)
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser());

        var (status, json) = await client.SendJsonAsync(HttpMethod.Post, "devices", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", json.Text("error"));
        Assert.Contains(problem, json.Text("error_description"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_TooManyTags_Returns400()
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser());
        var tags = string.Join(',', Enumerable.Range(0, 21).Select(i => $"\"t{i}\""));

        var (status, json) = await client.SendJsonAsync(HttpMethod.Post, "devices", $$"""{"name":"x","type":"sensor","tags":[{{tags}}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("At most 20 tags.", json.Text("error_description"));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/jsonx")]
    public async Task Create_NotJson_Returns415(string contentType)
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser());

        var (status, json) = await client.SendJsonAsync(HttpMethod.Post, "devices", """{"name":"x","type":"sensor"}""", contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("unsupported_media_type", json.Text("error"));
    }

    [Fact]
    public async Task Create_NoBody_Returns415()
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser());

        var (status, json) = await client.SendJsonAsync(HttpMethod.Post, "devices");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("unsupported_media_type", json.Text("error"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Create_OversizedBody_Returns413(bool chunked)
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser());
        var body = $$"""{"name":"x","type":"sensor","firmwareVersion":"{{new string('v', 20_000)}}"}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "devices")
        {
            Content = chunked ? new ChunkedJson(body) : new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", (await JsonHttp.ReadJsonAsync(response)).Text("error"));
    }

    [Theory]
    [InlineData("{}", "Nothing to change")]
    [InlineData("""{"name":""}""", "'name' is required")]
    [InlineData("""{"type":"other"}""", "not valid at")]
    [InlineData("""{"owner":"someone-else"}""", "not valid at")]
    [InlineData("""{"tags":["ok","not ok"]}""", "Tag 'not ok'")]
    public async Task Update_BadBody_Returns400(string body, string problem)
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var client = fixture.Client(owner);

        var (status, json) = await client.SendJsonAsync(HttpMethod.Patch, $"devices/{device.Id}", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(problem, json.Text("error_description"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"access":"admin"}""", "someone", "'access' must be")]
    [InlineData("""{}""", "someone", "'access' must be")]
    [InlineData("""{"access":"read","extra":1}""", "someone", "not valid at")]
    [InlineData("""{"access":"read"}""", "has%20space", "The user id must be")]
    public async Task Share_BadInput_Returns400(string body, string userId, string problem)
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var client = fixture.Client(owner);

        var (status, json) = await client.SendJsonAsync(HttpMethod.Put, $"devices/{device.Id}/shares/{userId}", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(problem, json.Text("error_description"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Share_WithTheOwner_Returns400()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var client = fixture.Client(owner);

        var (status, json) = await client.SendJsonAsync(HttpMethod.Put, $"devices/{device.Id}/shares/{owner}", """{"access":"control"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("owner", json.Text("error_description"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("devices?limit=0")]
    [InlineData("devices?limit=1001")]
    [InlineData("devices?limit=ten")]
    [InlineData("devices?limit=-1")]
    public async Task List_BadLimit_Returns400(string path)
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser());

        var (status, json) = await client.SendJsonAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'limit'", json.Text("error_description"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "devices/NOT-AN-ID")]
    [InlineData("GET", "devices/a%2Fb")]
    [InlineData("DELETE", "devices/%23")]
    [InlineData("GET", "devices/nope/unknown-path")]
    public async Task UnknownOrImpossibleDevice_Returns404Json(string method, string path)
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser());

        var (status, json) = await client.SendJsonAsync(new HttpMethod(method), path);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not_found", json.Text("error"));
    }

    [Fact]
    public async Task WrongMethod_Returns405Json()
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser());

        var (status, json) = await client.SendJsonAsync(HttpMethod.Put, "devices");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, status);
        Assert.Equal("method_not_allowed", json.Text("error"));
    }

    /// <summary>JSON content without a Content-Length, so only the read limit can stop it.</summary>
    private sealed class ChunkedJson : HttpContent
    {
        private readonly byte[] _body;

        public ChunkedJson(string body)
        {
            _body = System.Text.Encoding.UTF8.GetBytes(body);
            Headers.ContentType = new("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(_body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
