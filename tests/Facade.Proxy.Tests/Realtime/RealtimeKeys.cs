using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Facade.Proxy.Data;

namespace Facade.Proxy.Tests.Realtime;

/// <summary>User keys made and revoked over the edge's REST API (<c>/account/keys</c>), as their owner does.</summary>
internal static class RealtimeKeys
{
    public static async Task<(string Id, string Key)> CreateAsync(RealtimeFixture fixture, FacadeUser owner, string scopes)
    {
        using var http = fixture.EdgeClient(await fixture.TokenAsync(owner, "keys:write " + scopes));
        using var response = await http.PostAsJsonAsync("account/keys", new { label = "realtime", scopes = scopes.Split(' ') }, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var json = JsonDocument.Parse(text).RootElement;
        return (json.GetProperty("id").GetString()!, json.GetProperty("key").GetString()!);
    }

    public static async Task RevokeAsync(RealtimeFixture fixture, FacadeUser owner, string id)
    {
        using var http = fixture.EdgeClient(await fixture.TokenAsync(owner, "keys:write"));
        using var response = await http.DeleteAsync($"account/keys/{id}", TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
    }
}
