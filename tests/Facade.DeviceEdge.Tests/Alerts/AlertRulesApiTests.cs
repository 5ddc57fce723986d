using System.Net;
using System.Text.Json;
using static Facade.DeviceEdge.Tests.Alerts.AlertTesting;

namespace Facade.DeviceEdge.Tests.Alerts;

/// <summary>
/// <c>/alerts/rules</c>: create, read, replace and delete a rule; rules belong to their creator (anyone else gets 404);
/// reading needs <c>rules:read</c>, changing <c>rules:write</c>; bad input gets a JSON error naming the field.
/// </summary>
public sealed class AlertRulesApiTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task Create_ReturnsTheRule_AndTheWebhookSecretOnlyThen()
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser(), RulesReadWrite);
        var body = Rule("""{"deviceIds":["boiler-1"],"type":"thermometer","tags":["site:lab"]}""", channel: """{"type":"webhook","url":"https://hooks.example.com/alerts?key=k"}""");

        var (status, created) = await client.SendJsonAsync(HttpMethod.Post, "alerts/rules", body);

        Assert.Equal(HttpStatusCode.Created, status);
        var id = created.Text("id")!;
        Assert.Matches("^rule-[0-9a-f]{16}$", id);
        Assert.Equal("Too hot", created.Text("name"));
        Assert.Equal("temperature", created.Text("metric"));
        Assert.Equal(">", created.Text("operator"));
        Assert.Equal(30, created.GetProperty("threshold").GetDouble());
        Assert.Equal(1, created.GetProperty("hysteresis").GetDouble());
        Assert.True(created.GetProperty("enabled").GetBoolean());
        Assert.Equal(["boiler-1"], created.GetProperty("selector").GetProperty("deviceIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("thermometer", created.GetProperty("selector").Text("type"));
        Assert.Equal("webhook", created.GetProperty("channel").Text("type"));
        Assert.Equal("https://hooks.example.com/alerts?key=k", created.GetProperty("channel").Text("url"));
        Assert.StartsWith("whsec_", created.Text("secret"), StringComparison.Ordinal);
        Assert.Equal(0, created.GetProperty("state").GetProperty("firing").GetInt32());

        var (read, again) = await client.SendJsonAsync(HttpMethod.Get, $"alerts/rules/{id}");
        Assert.Equal(HttpStatusCode.OK, read);
        Assert.Null(again.Text("secret"));
        Assert.True(again.GetProperty("channel").GetProperty("signed").GetBoolean());
        Assert.Equal(created.GetProperty("createdAt").GetDateTimeOffset(), again.GetProperty("createdAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Create_MqttRule_WithoutSelector_AppliesToEveryDevice_AndHasNoSecret()
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser(), RulesReadWrite);

        var created = await CreateRuleAsync(client, """{"name":"Low battery","metric":"battery","operator":"<","threshold":20,"channel":{"type":"mqtt","topic":"alerts/battery/low"}}""");

        Assert.Null(created.Text("secret"));
        Assert.Equal(0, created.GetProperty("hysteresis").GetDouble());
        Assert.Equal("alerts/battery/low", created.GetProperty("channel").Text("topic"));
        Assert.Equal(JsonValueKind.Object, created.GetProperty("selector").ValueKind);
        Assert.Empty(created.GetProperty("selector").EnumerateObject());
    }

    [Fact]
    public async Task Rules_AreTheirOwners_AnotherUserGets404Everywhere()
    {
        var owner = DeviceEdgeFixture.NewUser();
        using var ownerClient = fixture.Client(owner, RulesReadWrite);
        using var stranger = fixture.Client(DeviceEdgeFixture.NewUser(), RulesReadWrite);
        var id = (await CreateRuleAsync(ownerClient, Rule())).Text("id");

        var (list, listed) = await stranger.SendJsonAsync(HttpMethod.Get, "alerts/rules");
        var overview = await OverviewAsync(stranger);
        var (get, getJson) = await stranger.SendJsonAsync(HttpMethod.Get, $"alerts/rules/{id}");
        var (put, _) = await stranger.SendJsonAsync(HttpMethod.Put, $"alerts/rules/{id}", Rule(name: "Mine now"));
        var (delete, _) = await stranger.SendJsonAsync(HttpMethod.Delete, $"alerts/rules/{id}");
        var (rotate, _) = await stranger.SendJsonAsync(HttpMethod.Post, $"alerts/rules/{id}/secret");

        Assert.Equal(HttpStatusCode.OK, list);
        Assert.Equal(0, listed.GetProperty("rules").GetArrayLength());
        Assert.Equal(0, overview.GetProperty("rules").GetArrayLength());
        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (get, getJson.Text("error")));
        Assert.Equal(HttpStatusCode.NotFound, put);
        Assert.Equal(HttpStatusCode.NotFound, delete);
        Assert.Equal(HttpStatusCode.NotFound, rotate);
        var (mine, rule) = await ownerClient.SendJsonAsync(HttpMethod.Get, $"alerts/rules/{id}");
        Assert.Equal(HttpStatusCode.OK, mine);
        Assert.Equal("Too hot", rule.Text("name"));
    }

    [Fact]
    public async Task Replace_ThenDelete()
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser(), RulesReadWrite);
        var created = await CreateRuleAsync(client, Rule());
        var id = created.Text("id");

        var (replaced, rule) = await client.SendJsonAsync(HttpMethod.Put, $"alerts/rules/{id}",
            Rule("""{"tags":["floor:2"]}""", metric: "humidity", op: ">=", threshold: 70.5, hysteresis: 2.5, name: "Damp", enabled: false));

        Assert.Equal(HttpStatusCode.OK, replaced);
        Assert.Equal(("Damp", "humidity", ">="), (rule.Text("name"), rule.Text("metric"), rule.Text("operator")));
        Assert.Equal((70.5, 2.5), (rule.GetProperty("threshold").GetDouble(), rule.GetProperty("hysteresis").GetDouble()));
        Assert.False(rule.GetProperty("enabled").GetBoolean());
        Assert.Equal(["floor:2"], rule.GetProperty("selector").GetProperty("tags").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(created.GetProperty("createdAt").GetDateTimeOffset(), rule.GetProperty("createdAt").GetDateTimeOffset());

        var (deleted, _) = await client.SendJsonAsync(HttpMethod.Delete, $"alerts/rules/{id}");
        var (gone, json) = await client.SendJsonAsync(HttpMethod.Get, $"alerts/rules/{id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted);
        Assert.Equal(HttpStatusCode.NotFound, gone);
        Assert.Equal("not_found", json.Text("error"));
    }

    [Fact]
    public async Task Replace_MqttWithWebhook_ShowsTheNewSecretOnce_AndRotationGivesAnother()
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser(), RulesReadWrite);
        var id = (await CreateRuleAsync(client, Rule())).Text("id");
        var webhook = """{"type":"webhook","url":"https://hooks.example.com/a"}""";

        var (_, switched) = await client.SendJsonAsync(HttpMethod.Put, $"alerts/rules/{id}", Rule(channel: webhook));
        var (_, unchanged) = await client.SendJsonAsync(HttpMethod.Put, $"alerts/rules/{id}", Rule(channel: webhook, name: "Renamed"));
        var (rotated, rotation) = await client.SendJsonAsync(HttpMethod.Post, $"alerts/rules/{id}/secret");

        Assert.StartsWith("whsec_", switched.Text("secret"), StringComparison.Ordinal);
        Assert.Null(unchanged.Text("secret"));
        Assert.Equal(HttpStatusCode.OK, rotated);
        Assert.StartsWith("whsec_", rotation.Text("secret"), StringComparison.Ordinal);
        Assert.NotEqual(switched.Text("secret"), rotation.Text("secret"));
    }

    [Theory]
    [InlineData("GET", "alerts", "devices:read devices:write", "rules:read")]
    [InlineData("GET", "alerts/rules", "rules:write", "rules:read")]
    [InlineData("GET", "alerts/rules/rule-0123456789abcdef", "rules:write", "rules:read")]
    [InlineData("POST", "alerts/rules", "rules:read", "rules:write")]
    [InlineData("PUT", "alerts/rules/rule-0123456789abcdef", "rules:read", "rules:write")]
    [InlineData("DELETE", "alerts/rules/rule-0123456789abcdef", "rules:read", "rules:write")]
    [InlineData("POST", "alerts/rules/rule-0123456789abcdef/secret", "rules:read", "rules:write")]
    public async Task MissingScope_Returns403InsufficientScope(string method, string path, string granted, string needed)
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser(), granted);

        var (status, json) = await client.SendJsonAsync(new HttpMethod(method), path, method is "POST" or "PUT" ? Rule() : null);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("insufficient_scope", json.Text("error"));
        Assert.Equal(needed, json.Text("scope"));
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { """{"name":"x","metric":"t","operator":">","threshold":1""", "not valid" },
        { "[]", "not valid" },
        { "null", "JSON object" },
        { """{"metric":"t","operator":">","threshold":1,"channel":{"type":"mqtt","topic":"alerts/a"}}""", "'name' is required" },
        { """{"name":" ","metric":"t","operator":">","threshold":1,"channel":{"type":"mqtt","topic":"alerts/a"}}""", "'name' is required" },
        { "{\"name\":\"" + new string('n', 101) + "\",\"metric\":\"t\",\"operator\":\">\",\"threshold\":1,\"channel\":{\"type\":\"mqtt\",\"topic\":\"alerts/a\"}}", "'name' must be at most" },
        { """{"name":"x","operator":">","threshold":1,"channel":{"type":"mqtt","topic":"alerts/a"}}""", "'metric' is required" },
        { """{"name":"x","metric":"temp erature","operator":">","threshold":1,"channel":{"type":"mqtt","topic":"alerts/a"}}""", "'metric' is required and must match" },
        { """{"name":"x","metric":"t","operator":"==","threshold":1,"channel":{"type":"mqtt","topic":"alerts/a"}}""", "'operator' must be" },
        { """{"name":"x","metric":"t","threshold":1,"channel":{"type":"mqtt","topic":"alerts/a"}}""", "'operator' must be" },
        { """{"name":"x","metric":"t","operator":">","channel":{"type":"mqtt","topic":"alerts/a"}}""", "'threshold' is required" },
        { """{"name":"x","metric":"t","operator":">","threshold":"NaN","channel":{"type":"mqtt","topic":"alerts/a"}}""", "not valid at '$.threshold'" },
        { """{"name":"x","metric":"t","operator":">","threshold":1e999,"channel":{"type":"mqtt","topic":"alerts/a"}}""", "threshold" },
        { """{"name":"x","metric":"t","operator":">","threshold":1,"hysteresis":-1,"channel":{"type":"mqtt","topic":"alerts/a"}}""", "'hysteresis' must be" },
        { """{"name":"x","metric":"t","operator":">","threshold":1}""", "'channel' is required" },
        { """{"name":"x","metric":"t","operator":">","threshold":1,"channel":{"type":"sms"}}""", "'channel.type' must be" },
        { """{"name":"x","metric":"t","operator":">","threshold":1,"channel":{"type":"mqtt","topic":"devices/a/commands/b"}}""", "'channel.topic' must be" },
        { """{"name":"x","metric":"t","operator":">","threshold":1,"channel":{"type":"mqtt","topic":"alerts/#"}}""", "'channel.topic' must be" },
        { """{"name":"x","metric":"t","operator":">","threshold":1,"channel":{"type":"mqtt","topic":"alerts/"}}""", "'channel.topic' must be" },
        { """{"name":"x","metric":"t","operator":">","threshold":1,"channel":{"type":"mqtt","topic":"alerts//a"}}""", "'channel.topic' must be" },
        { """{"name":"x","metric":"t","operator":">","threshold":1,"channel":{"type":"mqtt","topic":"alerts/a","url":"https://x.example"}}""", "'channel.url' belongs to" },
        { """{"name":"x","metric":"t","operator":">","threshold":1,"channel":{"type":"webhook"}}""", "'channel.url' is required" },
        { """{"name":"x","metric":"t","operator":">","threshold":1,"channel":{"type":"webhook","url":"ftp://x.example/"}}""", "'channel.url' must be an absolute https URL" },
        { """{"name":"x","metric":"t","operator":">","threshold":1,"channel":{"type":"webhook","url":"/relative"}}""", "'channel.url' must be an absolute https URL" },
        { """{"name":"x","metric":"t","operator":">","threshold":1,"channel":{"type":"webhook","url":"https://user:pw@x.example/"}}""", "'channel.url' must not contain" },
        { """{"name":"x","metric":"t","operator":">","threshold":1,"channel":{"type":"webhook","url":"https://x.example/","topic":"alerts/a"}}""", "'channel.topic' belongs to" },
        { """{"name":"x","selector":{"deviceIds":["NOT AN ID"]},"metric":"t","operator":">","threshold":1,"channel":{"type":"mqtt","topic":"alerts/a"}}""", "'selector.deviceIds' must hold" },
        { """{"name":"x","selector":{"type":"has space"},"metric":"t","operator":">","threshold":1,"channel":{"type":"mqtt","topic":"alerts/a"}}""", "'selector.type' must match" },
        { """{"name":"x","selector":{"tags":["a b"]},"metric":"t","operator":">","threshold":1,"channel":{"type":"mqtt","topic":"alerts/a"}}""", "'selector.tags' must be" },
        { """{"name":"x","selector":{"device":"a"},"metric":"t","operator":">","threshold":1,"channel":{"type":"mqtt","topic":"alerts/a"}}""", "not valid at" },
        { """{"name":"x","metric":"t","operator":">","threshold":1,"channel":{"type":"mqtt","topic":"alerts/a"},"owner":"someone"}""", "not valid at" },
        { """{"name":"x","name":"y","metric":"t","operator":">","threshold":1,"channel":{"type":"mqtt","topic":"alerts/a"}}""", "not valid at" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Create_BadBody_Returns400NamingTheProblem(string body, string problem)
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser(), RulesReadWrite);

        var (status, json) = await client.SendJsonAsync(HttpMethod.Post, "alerts/rules", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", json.Text("error"));
        Assert.Contains(problem, json.Text("error_description"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_TooManySelectorDevices_Returns400()
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser(), RulesReadWrite);
        var ids = string.Join(',', Enumerable.Range(0, 101).Select(i => $"\"d{i}\""));

        var (status, json) = await client.SendJsonAsync(HttpMethod.Post, "alerts/rules", Rule($$"""{"deviceIds":[{{ids}}]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'selector.deviceIds' may list at most 100", json.Text("error_description"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "alerts/rules")]
    [InlineData("PUT", "alerts/rules/rule-0123456789abcdef")]
    public async Task NotJson_Returns415(string method, string path)
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser(), RulesReadWrite);

        var (status, json) = await client.SendJsonAsync(new HttpMethod(method), path, Rule(), "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("unsupported_media_type", json.Text("error"));
    }

    [Fact]
    public async Task Oversized_Returns413()
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser(), RulesReadWrite);

        var (status, json) = await client.SendJsonAsync(HttpMethod.Post, "alerts/rules", Rule(name: new string('n', 20_000)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("request_too_large", json.Text("error"));
    }

    [Fact]
    public async Task Replace_BadBody_Returns400_AndKeepsTheRule()
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser(), RulesReadWrite);
        var id = (await CreateRuleAsync(client, Rule())).Text("id");

        var (status, json) = await client.SendJsonAsync(HttpMethod.Put, $"alerts/rules/{id}", Rule(op: "!="));
        var (_, rule) = await client.SendJsonAsync(HttpMethod.Get, $"alerts/rules/{id}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'operator' must be", json.Text("error_description"), StringComparison.Ordinal);
        Assert.Equal(">", rule.Text("operator"));
    }

    [Theory]
    [InlineData("GET", "alerts/rules/nope")]
    [InlineData("GET", "alerts/rules/rule-0123456789abcdef")]
    [InlineData("DELETE", "alerts/rules/RULE-0123456789ABCDEF")]
    [InlineData("GET", "alerts/unknown")]
    public async Task UnknownRule_Returns404Json(string method, string path)
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser(), RulesReadWrite);

        var (status, json) = await client.SendJsonAsync(new HttpMethod(method), path);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not_found", json.Text("error"));
    }

    [Theory]
    [InlineData("alerts?limit=0")]
    [InlineData("alerts?limit=1001")]
    [InlineData("alerts?limit=many")]
    public async Task Overview_BadLimit_Returns400(string path)
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser(), RulesReadWrite);

        var (status, json) = await client.SendJsonAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'limit'", json.Text("error_description"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RuleCap_ThirdRuleOfAUser_Returns409()
    {
        await using var host = fixture.StartHost(new Dictionary<string, string?> { ["DeviceEdge:Alerts:MaxRulesPerUser"] = "2" });
        var user = DeviceEdgeFixture.NewUser();
        using var client = fixture.Client(user, RulesReadWrite, host);
        using var other = fixture.Client(DeviceEdgeFixture.NewUser(), RulesReadWrite, host);
        await CreateRuleAsync(client, Rule());
        var second = await CreateRuleAsync(client, Rule());

        var (status, json) = await client.SendJsonAsync(HttpMethod.Post, "alerts/rules", Rule());
        var (othersStatus, _) = await other.SendJsonAsync(HttpMethod.Post, "alerts/rules", Rule());
        await client.SendJsonAsync(HttpMethod.Delete, $"alerts/rules/{second.Text("id")}");
        var (afterDelete, _) = await client.SendJsonAsync(HttpMethod.Post, "alerts/rules", Rule());

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("conflict", json.Text("error"));
        Assert.Contains("2 alert rules", json.Text("error_description"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, othersStatus);
        Assert.Equal(HttpStatusCode.Created, afterDelete);
    }
}
