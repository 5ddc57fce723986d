using System.Net;
using Facade.Common.Net;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// The address filter behind client metadata document fetches: only ordinary public unicast addresses pass; every
/// IANA special-purpose range, and every translator that could reach the internal network (NAT64, 6to4, Teredo), fails.
/// </summary>
public sealed class PublicAddressFilterTests
{
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("10.0.0.1")]
    [InlineData("10.255.255.255")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.254")]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("169.254.169.254")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.0.0.1")]
    [InlineData("192.0.0.170")]
    [InlineData("192.0.2.10")]
    [InlineData("192.31.196.1")]
    [InlineData("192.52.193.1")]
    [InlineData("192.88.99.1")]
    [InlineData("192.168.1.1")]
    [InlineData("192.175.48.1")]
    [InlineData("198.18.0.1")]
    [InlineData("198.19.255.255")]
    [InlineData("198.51.100.7")]
    [InlineData("203.0.113.9")]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("240.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::127.0.0.1")]
    [InlineData("64:ff9b::7f00:1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("64:ff9b:1::a00:1")]
    [InlineData("100::1")]
    [InlineData("2001::1")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")]
    [InlineData("2001:2::1")]
    [InlineData("2001:10::1")]
    [InlineData("2001:20::1")]
    [InlineData("2001:db8::1")]
    [InlineData("2002:7f00:1::1")]
    [InlineData("2002:a9fe:a9fe::1")]
    [InlineData("2620:4f:8000::1")]
    [InlineData("3fff::1")]
    [InlineData("5f00::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456:789a::1")]
    [InlineData("fe80::1")]
    [InlineData("fec0::1")]
    [InlineData("ff02::1")]
    [InlineData("ff0e::1")]
    public void SpecialPurposeAddress_IsRefused(string address) =>
        Assert.False(PublicAddresses.IsPublic(IPAddress.Parse(address)), address);

    [Theory]
    [InlineData("1.1.1.1")]
    [InlineData("8.8.8.8")]
    [InlineData("93.184.215.14")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("192.0.3.1")]
    [InlineData("192.169.0.1")]
    [InlineData("198.17.255.255")]
    [InlineData("198.20.0.1")]
    [InlineData("223.255.255.254")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2a00:1450:4001:80b::200e")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("2003::1")]
    public void PublicAddress_IsAllowed(string address) =>
        Assert.True(PublicAddresses.IsPublic(IPAddress.Parse(address)), address);

    [Fact]
    public void ScopedIPv6Address_IsRefused() =>
        Assert.False(PublicAddresses.IsPublic(new IPAddress(IPAddress.Parse("2606:4700:4700::1111").GetAddressBytes(), scopeid: 3)));

    [Fact]
    public void Handler_NeverUsesAProxy_NorFollowsRedirects()
    {
        using var handler = PublicOnlyHttpHandler.Create(allowInternal: false, TimeSpan.FromSeconds(5));
        Assert.False(handler.UseProxy);
        Assert.False(handler.AllowAutoRedirect);
        Assert.False(handler.UseCookies);
    }

    [Fact]
    public async Task Handler_RefusesToConnect_ToAnInternalAddress()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = new HttpClient(PublicOnlyHttpHandler.Create(allowInternal: false, TimeSpan.FromSeconds(5)));
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("http://127.0.0.1:9/", ct));
        Assert.Equal(HttpRequestError.ConnectionError, error.HttpRequestError);
        Assert.Contains("no public address", error.Message, StringComparison.Ordinal);
    }
}
