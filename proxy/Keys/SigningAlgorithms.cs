using Microsoft.IdentityModel.Tokens;

namespace Facade.Proxy.Keys;

/// <summary>
/// The JWS algorithms the edge signs with, decided by the key: RSA keys sign RS256 (the default, what every JWT
/// library accepts), ECDSA P-256 keys sign ES256 (≈ 30× cheaper to sign; see docs/performance.md).
/// </summary>
public static class SigningAlgorithms
{
    public const string RS256 = SecurityAlgorithms.RsaSha256;
    public const string ES256 = SecurityAlgorithms.EcdsaSha256;

    /// <summary>Every algorithm an edge key may use: what resource servers accept from the edge's JWKS.</summary>
    public static IReadOnlyList<string> All { get; } = [RS256, ES256];

    /// <summary>The algorithm a key signs with, or null for a key the edge cannot sign with.</summary>
    public static string? Of(SecurityKey key) => key switch
    {
        RsaSecurityKey => RS256,
        ECDsaSecurityKey { ECDsa.KeySize: 256 } => ES256,
        _ => null,
    };
}
