using System.Globalization;
using Facade.Proxy.AuthorizationServer;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Time.Testing;

namespace Facade.Proxy.Tests.AuthorizationServer;

/// <summary>The consent page's marker on its own: it expires, only its own keys read it, and it covers exactly one request.</summary>
public sealed class ConsentMarkersTests
{
    private const string Redirect = "https://claude.ai/api/mcp/auth_callback";

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-27T08:00:00Z", CultureInfo.InvariantCulture));
    private readonly EphemeralDataProtectionProvider _keys = new();

    [Fact]
    public void Marker_IsReadUntilItExpires_ThenIgnored()
    {
        var markers = new ConsentMarkers(_keys, _time);
        var issued = markers.Issue("user-1", "client-1", Redirect, ["tasks:read"]);

        _time.Advance(ConsentMarkers.Lifetime - TimeSpan.FromSeconds(1));
        Assert.NotNull(markers.Read(issued));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(markers.Read(issued));
    }

    [Fact]
    public void Marker_FromOtherKeys_OrTampered_IsIgnored()
    {
        var issued = new ConsentMarkers(new EphemeralDataProtectionProvider(), _time).Issue("user-1", "client-1", Redirect, ["tasks:read"]);
        var markers = new ConsentMarkers(_keys, _time);
        var own = markers.Issue("user-1", "client-1", Redirect, ["tasks:read"]);

        Assert.Null(markers.Read(issued));
        Assert.Null(markers.Read(own[..^2] + (own[^2] == 'A' ? "BB" : "AA")));
        Assert.Null(markers.Read("not base64url!"));
        Assert.Null(markers.Read(null));
    }

    [Fact]
    public void Marker_CoversExactlyItsUserClientRedirectUriAndScopes_InAnyScopeOrder()
    {
        var markers = new ConsentMarkers(_keys, _time);
        var marker = markers.Read(markers.Issue("user-1", "client-1", Redirect, ["tasks:read", "openid", "tasks:read"]))!;

        Assert.True(marker.Covers("user-1", "client-1", Redirect, ["openid", "tasks:read"]));
        Assert.False(marker.Covers("user-2", "client-1", Redirect, ["openid", "tasks:read"]));
        Assert.False(marker.Covers("user-1", "client-2", Redirect, ["openid", "tasks:read"]));
        Assert.False(marker.Covers("user-1", "client-1", "https://attacker.example/cb", ["openid", "tasks:read"]));
        Assert.False(marker.Covers("user-1", "client-1", Redirect, ["openid", "tasks:read", "tasks:write"]));
        Assert.False(marker.Covers("user-1", "client-1", Redirect, ["openid"]));
    }

    [Fact]
    public void EveryMarker_HasItsOwnId()
    {
        var markers = new ConsentMarkers(_keys, _time);

        Assert.NotEqual(
            markers.Read(markers.Issue("user-1", "client-1", Redirect, ["tasks:read"]))!.Id,
            markers.Read(markers.Issue("user-1", "client-1", Redirect, ["tasks:read"]))!.Id);
    }
}
