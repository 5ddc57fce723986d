using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Facade.Mocks.LegacyApi;
using Facade.Proxy.Audit;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// The audit trail (category <c>Facade.Audit</c>): a failed and a good sign-in, the consent, every token issued,
/// the revocations and a key's life each leave one event naming who and what, on at the edge's shipped levels even
/// though the test host logs only warnings otherwise, and none of them carries the secret it is about.
/// </summary>
public sealed class AuditLogTests
{
    [Fact]
    public async Task SecurityRelevantActs_LeaveAuditEvents_WithIdentifiersOnly()
    {
        var ct = TestContext.Current.CancellationToken;
        var logs = new CapturedLogs();
        using var legacy = LegacyApiServer.Start();
        await using var edge = FacadeHost.Start(legacy.Url, services: s => s.AddSingleton<ILoggerProvider>(logs));

        using (var mistaken = new OAuthTestClient(edge.BaseUrl) { Password = "not-the-password-9f1c" })
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => mistaken.GetTokenAsync("tasks:read", cancellationToken: ct));
        }

        using var oauth = new OAuthTestClient(edge.BaseUrl);
        var (client, token) = await oauth.GetTokenAsync("tasks:read keys:write offline_access", cancellationToken: ct);
        var refreshed = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: ct);
        using var http = edge.CreateHttpClient();
        using var create = new HttpRequestMessage(HttpMethod.Post, "account/keys") { Content = JsonContent.Create(new { label = "audit", scopes = new[] { "tasks:read" } }) };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", refreshed.AccessToken);
        using var created = await http.SendAsync(create, ct);
        var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync(ct)).RootElement;
        var (keyId, key) = (body.GetProperty("id").GetString()!, body.GetProperty("key").GetString()!);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "account/keys/" + keyId);
        delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", refreshed.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(delete, ct)).StatusCode);
        using var revoke = await http.PostAsync("oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = refreshed.AccessToken!,
            ["client_id"] = client.ClientId,
        }), ct);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        var audit = logs.Lines.Where(l => l.Category == AuditLog.Category).Select(l => l.Text).ToList();
        var all = string.Join('\n', audit);
        Assert.Contains(audit, l => l.StartsWith("audit sign_in_failed user=demo reason=invalid_credentials", StringComparison.Ordinal));
        Assert.Contains(audit, l => l.StartsWith("audit sign_in user=demo", StringComparison.Ordinal));
        Assert.Contains(audit, l => l.StartsWith("audit consent_given", StringComparison.Ordinal) && l.Contains("tasks:read", StringComparison.Ordinal));
        Assert.True(audit.Count(l => l.StartsWith("audit token_issued", StringComparison.Ordinal) && l.Contains($"client={client.ClientId}", StringComparison.Ordinal)) >= 2, all);
        Assert.Contains(audit, l => l.StartsWith($"audit key_created key={keyId}", StringComparison.Ordinal));
        Assert.Contains(audit, l => l.StartsWith($"audit key_revoked key={keyId}", StringComparison.Ordinal));
        Assert.Contains(audit, l => l.StartsWith("audit tokens_revoked count=1 jtis=", StringComparison.Ordinal));
        foreach (var secret in new[] { token.AccessToken!, token.RefreshToken!, refreshed.AccessToken!, key, "demo-password", "not-the-password-9f1c" })
        {
            Assert.Empty(logs.Containing(secret));
        }
    }
}
