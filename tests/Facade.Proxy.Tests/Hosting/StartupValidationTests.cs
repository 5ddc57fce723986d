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
    public void Production_WithoutAnApiKeyPepper_RefusesToStart()
    {
        var folder = Directory.CreateTempSubdirectory("facade-keys-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Facade:PublicUrl"] = "https://facade.example/",
            ["Facade:Keys:SigningCertificates:0:Path"] = Keys.TestCertificates.CreatePfx(folder, "signing", TimeSpan.FromDays(30)),
        };

        var error = Assert.ThrowsAny<Exception>(() => FacadeHost.Start(settings: settings, environment: "Production").Dispose());

        Assert.Contains("Facade:ApiKeys:HashKey is required outside Development", Flatten(error));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void PostgreSql_WithoutAConnectionString_RefusesToStart()
    {
        var settings = new Dictionary<string, string?> { ["Facade:DatabaseProvider"] = "PostgreSql" };
        var error = Assert.ThrowsAny<Exception>(() => FacadeHost.Start(settings: settings).Dispose());
        Assert.Contains("Facade:ConnectionString is required with Facade:DatabaseProvider=PostgreSql", Flatten(error));
    }

    [Fact]
    public void PostgreSql_WithASlowSharedRevocationPath_RefusesToStart()
    {
        // Several nodes share the database: another node's revocation must apply here within a second, Redis or not.
        var settings = new Dictionary<string, string?>
        {
            ["Facade:DatabaseProvider"] = "PostgreSql",
            ["Facade:ConnectionString"] = "Host=127.0.0.1;Port=1;Database=unused",
            ["Facade:Ledger:RevocationCheckInterval"] = "00:00:30",
        };
        var error = Assert.ThrowsAny<Exception>(() => FacadeHost.Start(settings: settings).Dispose());
        Assert.Contains("Facade:Ledger:RevocationCheckInterval is 00:00:30: on a shared PostgreSQL database it must be at most 1 s", Flatten(error));
    }

    [Fact]
    public void Production_NeedsExistingCertificateFiles()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Facade:PublicUrl"] = "https://facade.example/",
            ["Facade:Keys:SigningCertificates:0:Path"] = "/nonexistent/signing.pfx",
        };
        var error = Assert.ThrowsAny<Exception>(() => FacadeHost.Start(settings: settings, environment: "Production").Dispose());
        Assert.Contains("Facade:Keys:SigningCertificates:0:Path '/nonexistent/signing.pfx' does not exist", Flatten(error));
    }

    [Fact]
    public async Task Production_StartsWithASigningCertificateAndAnApiKeyPepper_AndSeedsNoDemoUser()
    {
        // Codes and refresh tokens use the Data Protection key ring (created in the data folder): no encryption
        // certificate is asked for.
        var folder = Directory.CreateTempSubdirectory("facade-keys-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Facade:PublicUrl"] = "http://127.0.0.1:5998/",
            ["Facade:Keys:SigningCertificates:0:Path"] = Keys.TestCertificates.CreatePfx(folder, "signing", TimeSpan.FromDays(30)),
            ["Facade:ApiKeys:HashKey"] = "startup-test-api-key-pepper-0123456789",
        };

        await using (var host = FacadeHost.Start(settings: settings, environment: "Production"))
        {
            using var oauth = new OAuthTestClient(host.BaseUrl);
            await Assert.ThrowsAsync<InvalidOperationException>(() => oauth.GetTokenAsync("openid", resource: "http://127.0.0.1:5998/", cancellationToken: TestContext.Current.CancellationToken));
            Assert.Contains("Invalid user name or password", oauth.LastResponse?.Body);
        }

        Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData("Facade:Tokens:RefreshTokenReuseLeeway", "00:05:00", "RefreshTokenReuseLeeway")]
    [InlineData("Facade:Clients:0:ClientId", "rs", "ClientSecret is required")]
    [InlineData("Facade:Edge:IdentitySigningKey", "short", "IdentitySigningKey")]
    [InlineData("Facade:Edge:TokenCacheSize", "-1", "TokenCacheSize")]
    [InlineData("Facade:Edge:ProtectedPrefixes:9", "api/mcp", "Facade:Edge:ProtectedPrefixes")]
    [InlineData("Facade:Upstream:Authority", "https://idp.example/", "Facade:Upstream:ClientId")]
    [InlineData("Facade:Accounts:MaxFailedAttempts", "0", "MaxFailedAttempts")]
    [InlineData("Facade:Accounts:LockoutDuration", "00:00:00", "LockoutDuration")]
    [InlineData("Facade:Ledger:RevocationCheckInterval", "01:00:00", "RevocationCheckInterval")]
    [InlineData("Facade:ApiKeys:UserKeyPrefix", "", "Facade:ApiKeys:UserKeyPrefix")]
    [InlineData("Facade:ApiKeys:UserKeyPrefix", "fk_a_", "must differ")]
    [InlineData("Facade:ApiKeys:AgentKeyPrefix", "eyJ", "Facade:ApiKeys:AgentKeyPrefix")]
    [InlineData("Facade:ApiKeys:HashKey", "short", "Facade:ApiKeys:HashKey must be at least 32 characters")]
    [InlineData("Facade:ApiKeys:TokenLifetime", "1.00:00:00", "TokenLifetime")]
    [InlineData("Facade:ApiKeys:MaxKeysPerUser", "0", "MaxKeysPerUser")]
    [InlineData("Facade:FirstParty:TokenLifetime", "00:00:10", "TokenLifetime")]
    [InlineData("Facade:FirstParty:PermitsPerMinute", "0", "PermitsPerMinute")]
    [InlineData("Facade:Realtime:DeviceEdgeUrl", "ftp://devices.example/", "Facade:Realtime:DeviceEdgeUrl")]
    [InlineData("Facade:Realtime:SendBufferMessages", "0", "SendBufferMessages")]
    [InlineData("Facade:Realtime:MaxConnectionsPerUser", "0", "MaxConnectionsPerUser")]
    [InlineData("Facade:Realtime:HeartbeatInterval", "00:00:00", "HeartbeatInterval")]
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
