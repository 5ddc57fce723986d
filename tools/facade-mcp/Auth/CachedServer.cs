using System.Text.Json;
using System.Text.Json.Serialization;
using ModelContextProtocol.Authentication;

namespace Facade.Mcp.Bridge.Auth;

/// <summary>The token cache file: one entry per MCP URL.</summary>
internal sealed class TokenCacheDocument
{
    public int Version { get; set; } = 1;

    public Dictionary<string, CachedServer> Servers { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>What the bridge remembers about one MCP URL: the tokens, and the redirect URI its client uses.</summary>
internal sealed class CachedServer
{
    /// <summary>The loopback redirect URI the cached client last used (the edge accepts it on any port).</summary>
    public string? RedirectUri { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public CachedTokens? Tokens { get; set; }
}

/// <summary>The SDK's <see cref="TokenContainer"/> as stored: access and refresh token plus the client they belong to.</summary>
internal sealed class CachedTokens
{
    public string TokenType { get; set; } = "Bearer";

    public string AccessToken { get; set; } = "";

    public string? RefreshToken { get; set; }

    public int? ExpiresIn { get; set; }

    public string? Scope { get; set; }

    public DateTimeOffset ObtainedAt { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    public string? TokenEndpointAuthMethod { get; set; }

    public string? AuthorizationServer { get; set; }

    public static CachedTokens From(TokenContainer tokens) => new()
    {
        TokenType = tokens.TokenType,
        AccessToken = tokens.AccessToken,
        RefreshToken = tokens.RefreshToken,
        ExpiresIn = tokens.ExpiresIn,
        Scope = tokens.Scope,
        ObtainedAt = tokens.ObtainedAt,
        ClientId = tokens.ClientId,
        ClientSecret = tokens.ClientSecret,
        TokenEndpointAuthMethod = tokens.TokenEndpointAuthMethod,
        AuthorizationServer = tokens.AuthorizationServer,
    };

    public TokenContainer ToContainer() => new()
    {
        TokenType = TokenType,
        AccessToken = AccessToken,
        RefreshToken = RefreshToken,
        ExpiresIn = ExpiresIn,
        Scope = Scope,
        ObtainedAt = ObtainedAt,
        ClientId = ClientId,
        ClientSecret = ClientSecret,
        TokenEndpointAuthMethod = TokenEndpointAuthMethod,
        AuthorizationServer = AuthorizationServer,
    };
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TokenCacheDocument))]
internal sealed partial class TokenCacheJson : JsonSerializerContext;
