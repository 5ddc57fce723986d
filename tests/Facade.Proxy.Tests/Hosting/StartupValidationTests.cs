using Facade.Testing;

namespace Facade.Proxy.Tests.Hosting;

/// <summary>Production refuses to start with missing or unsafe settings, naming the key to fix.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData(null, "Facade:PublicUrl is required")]
    [InlineData("http://facade.example/", "must use https")]
    [InlineData("https://facade.example/", "Facade:Keys:SigningCertificates")]
    public void Production_WithMissingSettings_RefusesToStart(string? publicUrl, string message)
    {
        var settings = new Dictionary<string, string?> { ["Facade:PublicUrl"] = publicUrl };
        var error = Assert.ThrowsAny<Exception>(() => FacadeHost.Start(settings: settings, environment: "Production").Dispose());
        Assert.Contains(message, Flatten(error));
    }

    [Fact]
    public void Production_SeedsNoDemoUser_AndNeedsExistingCertificateFiles()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Facade:PublicUrl"] = "https://facade.example/",
            ["Facade:Keys:SigningCertificates:0:Path"] = "/nonexistent/signing.pfx",
            ["Facade:Keys:EncryptionCertificates:0:Path"] = "/nonexistent/encryption.pfx",
        };
        var error = Assert.ThrowsAny<Exception>(() => FacadeHost.Start(settings: settings, environment: "Production").Dispose());
        Assert.Contains("Facade:Keys:SigningCertificates:0:Path '/nonexistent/signing.pfx' does not exist", Flatten(error));
    }

    [Theory]
    [InlineData("Facade:Tokens:RefreshTokenReuseLeeway", "00:05:00", "RefreshTokenReuseLeeway")]
    [InlineData("Facade:Clients:0:ClientId", "rs", "ClientSecret is required")]
    [InlineData("Facade:Edge:IdentitySigningKey", "short", "IdentitySigningKey")]
    [InlineData("Facade:Edge:TokenCacheSize", "-1", "TokenCacheSize")]
    [InlineData("Facade:Edge:ProtectedPrefixes:9", "api/mcp", "Facade:Edge:ProtectedPrefixes")]
    [InlineData("Facade:Upstream:Authority", "https://idp.example/", "Facade:Upstream:ClientId")]
    public void Development_WithInvalidSettings_RefusesToStart(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (key == "Facade:Clients:0:ClientId")
        {
            settings["Facade:Clients:0:Introspection"] = "true";
        }

        var error = Assert.ThrowsAny<Exception>(() => FacadeHost.Start(settings: settings).Dispose());
        Assert.Contains(message, Flatten(error));
    }

    private static string Flatten(Exception exception) =>
        exception.InnerException is null ? exception.Message : exception.Message + " | " + Flatten(exception.InnerException);
}
