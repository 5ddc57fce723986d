using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
    [InlineData("DeviceEdge:Mqtt:ConnectTimeout", "00:00:00", "ConnectTimeout")]
    [InlineData("DeviceEdge:MaxRequestBytes", "10", "MaxRequestBytes")]
    [InlineData("DeviceEdge:Mqtt:AlertSubscribers:0:Username", "sensor-1", "DeviceEdge:Mqtt:AlertSubscribers:0:Username")]
    [InlineData("DeviceEdge:Mqtt:AlertSubscribers:0:Username", "alerts/reader", "DeviceEdge:Mqtt:AlertSubscribers:0:Username")]
    [InlineData("DeviceEdge:Mqtt:AlertSubscribers:0:Secret", "short", "DeviceEdge:Mqtt:AlertSubscribers:0:Secret")]
    [InlineData("DeviceEdge:Alerts:MaxRetryDelay", "00:00:05", "DeviceEdge:Alerts:MaxRetryDelay")]
    [InlineData("DeviceEdge:Alerts:MaxAttempts", "0", "MaxAttempts")]
    [InlineData("DeviceEdge:Alerts:WebhookTimeout", "00:10:00", "WebhookTimeout")]
    [InlineData("DeviceEdge:Commands:DefaultTimeoutSeconds", "301", "DefaultTimeoutSeconds")]
    [InlineData("DeviceEdge:Commands:MaxParamsBytes", "0", "MaxParamsBytes")]
    [InlineData("DeviceEdge:Commands:SweepInterval", "00:00:00", "SweepInterval")]
    [InlineData("DeviceEdge:Shadows:MaxDesiredBytes", "1", "MaxDesiredBytes")]
    public void BadSetting_FailsTheStartValidation_NamingTheKey(string key, string value, string named)
    {
        // The service's own composition and start-up validation (what the host runs before anything starts), without
        // racing WebApplicationFactory's start against the failing entry point.
        using var app = Compose("Development", $"--DeviceEdge:Issuer={fixture.Issuer.Issuer}", $"--{key}={value}");

        // One OptionsValidationException, or several in an AggregateException when more than one options class reads the bad key.
        var error = Assert.ThrowsAny<Exception>(() => app.Services.GetRequiredService<IStartupValidator>().Validate());
        Assert.True(error is OptionsValidationException or AggregateException { InnerExceptions: [OptionsValidationException, ..] }, error.ToString());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidSettings_PassTheStartValidation()
    {
        using var app = Compose("Production", "--DeviceEdge:Issuer=https://facade.example/");

        app.Services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Theory]
    [InlineData("DeviceEdge:Mqtt:External:Host", "", "DeviceEdge:Mqtt:External:Host is required")]
    [InlineData("DeviceEdge:Mqtt:External:UserName", "", "DeviceEdge:Mqtt:External:UserName is required")]
    [InlineData("DeviceEdge:Mqtt:External:UserName", "sensor-1", "not look like a device id")]
    [InlineData("DeviceEdge:Mqtt:External:UserName", "edge#1", "DeviceEdge:Mqtt:External:UserName 'edge#1'")]
    [InlineData("DeviceEdge:Mqtt:External:Password", "", "DeviceEdge:Mqtt:External:Password is required")]
    [InlineData("DeviceEdge:Mqtt:External:CaCertificateFile", "/etc/ssl/ca.pem", "DeviceEdge:Mqtt:External:UseTls is false")]
    [InlineData("DeviceEdge:Mqtt:External:ReconnectMaxDelay", "00:00:00.100", "DeviceEdge:Mqtt:External:ReconnectMinDelay")]
    [InlineData("DeviceEdge:Mqtt:External:SessionExpiry", "00:00:10", "SessionExpiry")]
    [InlineData("DeviceEdge:Mqtt:Mosquitto:AccountsDirectory", "", "DeviceEdge:Mqtt:Mosquitto:PidFile is set but DeviceEdge:Mqtt:Mosquitto:AccountsDirectory is not")]
    public void ExternalMode_BadSetting_FailsTheStartValidation_NamingTheKey(string key, string value, string named)
    {
        var settings = ValidExternal();
        settings[key] = value;
        using var app = Compose("Production", [.. settings.Select(s => $"--{s.Key}={s.Value}")]);

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("svc-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExternalMode_ValidSettings_PassTheStartValidation()
    {
        using var app = Compose("Production", [.. ValidExternal().Select(s => $"--{s.Key}={s.Value}")]);

        app.Services.GetRequiredService<IStartupValidator>().Validate();
    }

    private static Dictionary<string, string> ValidExternal() => new()
    {
        ["DeviceEdge:Issuer"] = "https://facade.example/",
        ["DeviceEdge:Mqtt:Mode"] = "External",
        ["DeviceEdge:Mqtt:External:Host"] = "mqtt.internal",
        ["DeviceEdge:Mqtt:External:UserName"] = "facade.device-edge",
        ["DeviceEdge:Mqtt:External:Password"] = "svc-secret",
        ["DeviceEdge:Mqtt:Mosquitto:AccountsDirectory"] = "/etc/mosquitto/facade",
        ["DeviceEdge:Mqtt:Mosquitto:PidFile"] = "/run/mosquitto/mosquitto.pid",
    };

    /// <summary>The service composed as device-edge/Program.cs does it, built but not started.</summary>
    private static WebApplication Compose(string environment, params string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            // Every setting the service needs, explicitly: the test's working folder holds whichever service's
            // appsettings.Development.json was copied there last.
            Args = ["--hostBuilder:reloadConfigOnChange=false", "--DeviceEdge:Revocations:ClientId=feed-client",
                "--DeviceEdge:Revocations:ClientSecret=feed-secret", .. args],
        });
        builder.AddDeviceEdge();
        return builder.Build();
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
