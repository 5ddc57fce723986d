using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Facade.Mocks.LegacyApi;
using Facade.Testing;

namespace Facade.Proxy.Tests.Cluster;

/// <summary>
/// Fault drill: two edges on one data folder behind HAProxy, the balancer's URL their issuer. The whole OAuth flow runs
/// through the balancer (round robin: sign-in, consent and token exchange land on either node), then one edge stops in
/// the middle of steady traffic: the balancer takes it out and the traffic carries on on the other; nothing but a
/// request caught on the stopping node may fail.
/// </summary>
public sealed class BalancerFailoverTests
{
    private const int Requests = 300;
    private const int StopAfter = 100;

    [Fact]
    public async Task AnEdgeStoppedMidTraffic_TheOtherCarriesOn_ThroughTheBalancer()
    {
        var ct = TestContext.Current.CancellationToken;
        using var legacy = LegacyApiServer.Start();
        var (port, publicUrl) = HaproxyBalancer.Reserve();
        var settings = new Dictionary<string, string?>
        {
            ["Facade:PublicUrl"] = publicUrl.AbsoluteUri,
            ["Facade:Edge:TrustedProxies:0"] = "127.0.0.1",
        };
        await using var a = FacadeHost.Start(legacy.Url, settings);
        var b = FacadeHost.Start(legacy.Url, settings, dataDirectory: a.DataDirectory);
        b.KeepData = true; // A's folder: A removes it
        try
        {
            await using var balancer = await HaproxyBalancer.StartAsync(port, [a.BaseUrl, b.BaseUrl]);
            using var oauth = new OAuthTestClient(balancer.Url);
            var (_, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: ct);
            Assert.Equal(publicUrl.AbsoluteUri, JsonDocument.Parse(Payload(token.AccessToken!)).RootElement.GetProperty("iss").GetString());

            using var http = new HttpClient { BaseAddress = balancer.Url };
            var failures = new List<string>();
            for (var i = 0; i < Requests; i++)
            {
                if (i == StopAfter)
                {
                    await b.DisposeAsync(); // graceful, as SIGTERM: in-flight requests finish, new connections are refused
                }

                using var request = new HttpRequestMessage(HttpMethod.Get, "api/tasks");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
                using var response = await http.SendAsync(request, ct);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"{i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
                }
            }

            TestContext.Current.TestOutputHelper?.WriteLine($"{failures.Count} of {Requests} requests failed");
            Assert.True(failures.Count <= 1, $"{failures.Count} requests failed:\n{string.Join('\n', failures)}\n{balancer.Log}");
            Assert.DoesNotContain(failures, f => int.Parse(f.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture) > StopAfter + 5);
        }
        finally
        {
            await b.DisposeAsync();
        }
    }

    private static string Payload(string jwt) =>
        System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(jwt.Split('.')[1]));
}
