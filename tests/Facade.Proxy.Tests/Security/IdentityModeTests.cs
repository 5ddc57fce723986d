using System.Globalization;
using System.Net;
using System.Text;
using Facade.Common.Identity;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Facade.Proxy.Tests.Security;

/// <summary>The legacy cluster switched to <c>identity</c> mode through configuration, over yarp.json.</summary>
public sealed class IdentityModeFixture : EdgeFixture
{
    public const string IdentityKey = "identity-signing-key-0123456789-abcdefgh";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ReverseProxy:Clusters:legacy:Metadata:Facade.UpstreamToken"] = "identity",
        ["Facade:Edge:IdentitySigningKey"] = IdentityKey,
    };
}

/// <summary>
/// In <c>identity</c> mode the backend gets who the caller is as HMAC-signed <c>X-Facade-*</c> headers taken from the
/// validated token, never the bearer token itself, and never what the client claimed about itself.
/// </summary>
public sealed class IdentityModeTests(IdentityModeFixture fixture) : IClassFixture<IdentityModeFixture>
{
    [Theory]
    [InlineData("GET", "api/tasks", "tasks:read")]
    [InlineData("POST", "api/tasks", "tasks:write")]
    [InlineData("GET", "api/organizations", "organizations:read")]
    public async Task Backend_GetsSignedIdentityOfTheToken_NotTheTokenOrSpoofedHeaders(string method, string path, string scope)
    {
        var token = await fixture.SharedAccessTokenAsync(scope);
        var jwt = new JsonWebToken(token);
        using var content = method == "GET" ? null : new StringContent("{\"title\":\"t\"}", Encoding.UTF8, "application/json");
        var (response, probe) = await fixture.SendBearerAsync(new HttpMethod(method), path, token,
        [
            new("X-Facade-Subject", "admin"),
            new("X-Facade-Scopes", "tasks:read tasks:write organizations:read"),
            new("X-Facade-Signature", "forged"),
            new("X_Facade_Client", "forged"),
        ], content);
        response.Dispose();

        // The legacy mock itself insists on an Authorization header, so its answer here is its own 401; what matters
        // is what the edge sent it.
        var received = fixture.BackendRequest(probe);
        Assert.NotNull(received);
        Assert.False(received.HasHeader("Authorization"), "The bearer token reached an identity-mode backend.");
        Assert.DoesNotContain(received.Headers.Values.SelectMany(v => v), v => v.Contains(token, StringComparison.Ordinal));
        Assert.DoesNotContain(received.Headers.Keys, k => k.Contains('_', StringComparison.Ordinal));
        Assert.DoesNotContain(received.Headers.Values.SelectMany(v => v), v => v is "admin" or "forged");

        var subject = received.Header("X-Facade-Subject");
        var client = received.Header("X-Facade-Client");
        var scopes = received.Header("X-Facade-Scopes");
        var timestamp = received.Header("X-Facade-Timestamp");
        Assert.Equal(jwt.Subject, subject);
        Assert.Equal(jwt.GetPayloadValue<string>("client_id"), client);
        Assert.Equal(jwt.GetPayloadValue<string>("scope"), scopes);
        Assert.True(long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out _), $"Timestamp '{timestamp}'.");

        var verification = IdentityVerifier.Verify(received.Header, method, received.Header("Host")!, "/" + path, Encoding.UTF8.GetBytes(received.Body ?? ""),
            Encoding.UTF8.GetBytes(IdentityModeFixture.IdentityKey), TimeProvider.System, TimeSpan.FromMinutes(5));
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(jwt.Subject, verification.Subject);
    }

    [Fact]
    public async Task WithoutToken_NothingReachesTheBackend()
    {
        var (response, probe) = await fixture.SendAsync(HttpMethod.Get, "api/tasks", authorization: null, [new("X-Facade-Subject", "admin")]);
        using (response)
        {
            await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized", IdentityModeFixture.IdentityKey);
        }

        Assert.Null(fixture.BackendRequest(probe));
    }
}
