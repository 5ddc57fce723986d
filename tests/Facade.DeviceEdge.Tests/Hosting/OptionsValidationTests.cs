using System.Net;
using Facade.Testing;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Tests.Hosting;

/// <summary>A bad setting stops the service at start with a message naming the key; health endpoints need no token.</summary>
public sealed class OptionsValidationTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Theory]
    [InlineData("DeviceEdge:Issuer", "edge.example/no-scheme", "DeviceEdge:Issuer")]
    [InlineData("DeviceEdge:Issuer", "http://127.0.0.1:5000/no-trailing-slash", "DeviceEdge:Issuer")]
    [InlineData("DeviceEdge:Mqtt:Address", "localhost", "DeviceEdge:Mqtt:Address")]
    [InlineData("DeviceEdge:Mqtt:Port", "70000", "Port")]
    [InlineData("DeviceEdge:MaxRequestBytes", "10", "MaxRequestBytes")]
    public void BadSetting_StopsTheStart_NamingTheKey(string key, string value, string named)
    {
        var error = Assert.ThrowsAny<Exception>(() => DeviceEdgeHost.Start(fixture.Issuer.BaseUrl, new Dictionary<string, string?> { [key] = value }));

        var validation = error as OptionsValidationException ?? error.InnerException as OptionsValidationException ?? (error as AggregateException)?.InnerExceptions.OfType<OptionsValidationException>().FirstOrDefault();
        Assert.NotNull(validation);
        Assert.Contains(named, validation.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("healthz")]
    [InlineData("healthz/live")]
    public async Task Health_NeedsNoToken(string path)
    {
        using var client = fixture.Host.CreateHttpClient();

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task UnknownPath_WithoutToken_Is401_NotA404()
    {
        using var client = fixture.Host.CreateHttpClient();

        using var response = await client.GetAsync("admin/secrets", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("resource_metadata=", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }
}
