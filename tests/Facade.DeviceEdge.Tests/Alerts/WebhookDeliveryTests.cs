using System.Net;
using System.Text;
using Facade.DeviceEdge.Alerts;
using Facade.DeviceEdge.Data;
using Facade.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;
using StandardWebhooks;
using static Facade.DeviceEdge.Tests.Alerts.AlertTesting;

namespace Facade.DeviceEdge.Tests.Alerts;

/// <summary>
/// Webhook notifications to a real receiver on loopback (Development with insecure webhooks allowed): signed JSON,
/// retried after failures with exponential backoff on the service's <see cref="TimeProvider"/>, persisted across a
/// restart, bounded; and refused for internal addresses when insecure webhooks are not allowed (SSRF).
/// </summary>
public sealed class WebhookDeliveryTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    private static readonly TimeSpan InitialDelay = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Delivered_Signed_AndRetriedAfter500s_WithExponentialBackoff()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await WebhookReceiver.StartAsync(500, 500);
        await using var host = StartHost(time);
        var owner = DeviceEdgeFixture.NewUser();
        using var client = fixture.Client(owner, RulesReadWrite, host);
        var device = await ProvisionAsync(fixture, host, owner);
        var rule = await CreateRuleAsync(client, Rule(channel: Webhook(receiver.Url)));
        var secret = rule.Text("secret")!;

        await FeedAsync(host, device.Id, "temperature", 35);

        var first = await receiver.NextAsync();
        var failed = await NotificationAfterAttemptAsync(host, 1);
        Assert.Equal("HTTP 500", failed.LastError);
        Assert.Equal(StoredTime.Now(time) + InitialDelay, failed.NextAttemptAt);
        Assert.Equal(1, receiver.Count);

        time.Advance(InitialDelay);
        var second = await receiver.NextAsync();
        var failedAgain = await NotificationAfterAttemptAsync(host, 2);
        Assert.Equal(StoredTime.Now(time) + 2 * InitialDelay, failedAgain.NextAttemptAt);

        time.Advance(2 * InitialDelay);
        var third = await receiver.NextAsync();
        await UntilAsync(async () => (await NotificationsAsync(host)).Count == 0, "the delivered notification leaves the outbox");
        Assert.Equal(3, receiver.Count);

        // Every attempt carries the same body and id, each signed (Standard Webhooks, checked with an independent library).
        foreach (var attempt in new[] { first, second, third })
        {
            Assert.Equal(first.Body, attempt.Body);
            Assert.Equal($"alert-{first.Json.GetProperty("alert").GetProperty("id").GetInt64()}-fired", attempt.Headers["webhook-id"]);
            Assert.StartsWith("application/json", attempt.Headers["content-type"], StringComparison.Ordinal);
            new StandardWebhook(secret).Verify(Encoding.UTF8.GetString(attempt.Body), Headers(attempt));
        }

        var fired = first.Json;
        Assert.Equal("fired", fired.Text("event"));
        Assert.Equal(("firing", device.Id, 35.0), (fired.GetProperty("alert").Text("state"), fired.GetProperty("alert").Text("deviceId"), fired.GetProperty("alert").GetProperty("value").GetDouble()));
        Assert.Equal((rule.Text("id"), "Too hot", "webhook"), (fired.GetProperty("rule").Text("id"), fired.GetProperty("rule").Text("name"), fired.GetProperty("rule").GetProperty("channel").Text("type")));
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(first.Body), StringComparison.Ordinal);

        // A tampered body fails verification.
        Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() =>
            new StandardWebhook(secret).Verify(Encoding.UTF8.GetString(first.Body).Replace("35", "36", StringComparison.Ordinal), Headers(first)));

        await FeedAsync(host, device.Id, "temperature", 20);
        var resolved = await receiver.NextAsync();
        Assert.Equal("resolved", resolved.Json.Text("event"));
        Assert.Equal(("resolved", 20.0), (resolved.Json.GetProperty("alert").Text("state"), resolved.Json.GetProperty("alert").GetProperty("resolvedValue").GetDouble()));
        Assert.EndsWith("-resolved", resolved.Headers["webhook-id"], StringComparison.Ordinal);
        new StandardWebhook(secret).Verify(Encoding.UTF8.GetString(resolved.Body), Headers(resolved));
        Assert.DoesNotContain(secret, host.Logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivesUp_AfterMaxAttempts()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await WebhookReceiver.StartAsync(503, 503, 503);
        await using var host = StartHost(time, new() { ["DeviceEdge:Alerts:MaxAttempts"] = "2" });
        var owner = DeviceEdgeFixture.NewUser();
        using var client = fixture.Client(owner, RulesReadWrite, host);
        var device = await ProvisionAsync(fixture, host, owner);
        await CreateRuleAsync(client, Rule(channel: Webhook(receiver.Url)));

        await FeedAsync(host, device.Id, "temperature", 35);
        await receiver.NextAsync();
        await NotificationAfterAttemptAsync(host, 1);
        time.Advance(InitialDelay);
        await receiver.NextAsync();

        await UntilAsync(() => Task.FromResult(host.Logs.Entries.Any(e => e.Message.Contains("given up after 2 attempts: HTTP 503", StringComparison.Ordinal))),
            "the notification is given up");
        Assert.Empty(await NotificationsAsync(host));
        Assert.Equal(2, receiver.Count);
    }

    [Fact]
    public async Task Restart_ContinuesTheRetries()
    {
        await using var receiver = await WebhookReceiver.StartAsync(500);
        var first = StartHost(new FakeTimeProvider(DateTimeOffset.UtcNow));
        first.KeepData = true;
        var owner = DeviceEdgeFixture.NewUser();
        var device = await ProvisionAsync(fixture, first, owner);
        using (var client = fixture.Client(owner, RulesReadWrite, first))
        {
            await CreateRuleAsync(client, Rule(channel: Webhook(receiver.Url)));
        }

        await FeedAsync(first, device.Id, "temperature", 35);
        var failed = await receiver.NextAsync();
        await NotificationAfterAttemptAsync(first, 1);
        await first.DisposeAsync();

        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var second = StartHost(time, dataDirectory: first.DataDirectory);
        time.Advance(InitialDelay);

        var retried = await receiver.NextAsync();
        await UntilAsync(async () => (await NotificationsAsync(second)).Count == 0, "the retried notification is delivered");
        Assert.Equal(failed.Body, retried.Body);
        Assert.Equal(failed.Headers["webhook-id"], retried.Headers["webhook-id"]);
    }

    [Fact]
    public async Task InternalOrInsecureUrls_AreRefused_WhenInsecureWebhooksAreOff()
    {
        await using var host = fixture.StartHost(new Dictionary<string, string?> { ["DeviceEdge:Alerts:AllowInsecureWebhooks"] = "false" });
        using var client = fixture.Client(DeviceEdgeFixture.NewUser(), RulesReadWrite, host);
        string[] refused =
        [
            "http://hooks.example.com/alerts", "https://127.0.0.1/", "https://127.0.0.1:8443/hook", "https://localhost/hook", "https://[::1]/",
            "https://10.0.0.5/", "https://172.16.0.1/", "https://192.168.1.1/", "https://169.254.169.254/latest/meta-data/",
            "https://100.64.0.1/", "https://0.0.0.0/", "https://[fd00::1]/", "https://[::ffff:127.0.0.1]/", "https://[fe80::1]/",
        ];

        foreach (var url in refused)
        {
            var (status, json) = await client.SendJsonAsync(HttpMethod.Post, "alerts/rules", Rule(channel: $$"""{"type":"webhook","url":"{{url}}"}"""));
            Assert.True(status == HttpStatusCode.BadRequest, $"{url}: {status}");
            Assert.StartsWith("'channel.url' must", json.Text("error_description"), StringComparison.Ordinal);
        }

        var (allowed, _) = await client.SendJsonAsync(HttpMethod.Post, "alerts/rules", Rule(channel: """{"type":"webhook","url":"https://93.184.215.14/hook"}"""));
        Assert.Equal(HttpStatusCode.Created, allowed);
    }

    [Fact]
    public async Task WebhookClient_RefusesAHostNameResolvingToLoopback_OnTheSocket()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = fixture.StartHost(new Dictionary<string, string?> { ["DeviceEdge:Alerts:AllowInsecureWebhooks"] = "false" });
        var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(AlertNotificationSender.HttpClientName);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            http.PostAsync(new Uri($"http://localhost:{receiver.Url.Port}/hook"), new StringContent("{}"), TestContext.Current.CancellationToken));

        Assert.Equal(HttpRequestError.ConnectionError, error.HttpRequestError);
        Assert.Equal(0, receiver.Count);
    }

    [Fact]
    public async Task RuleSavedWhileInsecureWasAllowed_IsNotDelivered_OnceItIsOff()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var first = fixture.StartHost(new Dictionary<string, string?> { ["DeviceEdge:Alerts:AllowInsecureWebhooks"] = "true" });
        first.KeepData = true;
        var owner = DeviceEdgeFixture.NewUser();
        var device = await ProvisionAsync(fixture, first, owner);
        using (var client = fixture.Client(owner, RulesReadWrite, first))
        {
            await CreateRuleAsync(client, Rule(channel: Webhook(receiver.Url)));
        }

        await first.DisposeAsync();
        await using var second = fixture.StartHost(new Dictionary<string, string?> { ["DeviceEdge:Alerts:AllowInsecureWebhooks"] = "false" }, first.DataDirectory);

        await FeedAsync(second, device.Id, "temperature", 35);

        await UntilAsync(() => Task.FromResult(second.Logs.Entries.Any(e => e.Message.Contains("given up after 1 attempts: 'channel.url' must use https", StringComparison.Ordinal))),
            "the notification is given up");
        Assert.Empty(await NotificationsAsync(second));
        Assert.Equal(0, receiver.Count);
    }

    private DeviceEdgeHost StartHost(FakeTimeProvider time, Dictionary<string, string?>? settings = null, string? dataDirectory = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["DeviceEdge:Alerts:AllowInsecureWebhooks"] = "true",
            ["DeviceEdge:Alerts:InitialRetryDelay"] = InitialDelay.ToString(),
            ["DeviceEdge:Alerts:MaxRetryDelay"] = "00:10:00",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        return DeviceEdgeHost.Start(fixture.Issuer.BaseUrl, all, dataDirectory: dataDirectory, configureServices: services => services.AddSingleton<TimeProvider>(time));
    }

    private static async Task<List<AlertNotification>> NotificationsAsync(DeviceEdgeHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeviceEdgeDbContext>();
        return await db.AlertNotifications.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<AlertNotification> NotificationAfterAttemptAsync(DeviceEdgeHost host, int attempts)
    {
        AlertNotification? found = null;
        await UntilAsync(async () => (found = (await NotificationsAsync(host)).SingleOrDefault(n => n.Attempts == attempts)) is not null,
            $"attempt {attempts} recorded");
        return found!;
    }

    private static HeaderDictionary Headers(ReceivedWebhook webhook) =>
        new(webhook.Headers.ToDictionary(h => h.Key, h => new StringValues(h.Value), StringComparer.OrdinalIgnoreCase));
}
