using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Facade.Testing;

/// <summary>
/// A JWT access token built by hand, the way an attacker (or a test) would: any header type, any claims, any
/// lifetime, signed with any key and algorithm or not at all. Start from <see cref="TestTokens.AccessToken"/>, which
/// has the shape the edge's authorization server issues, and change one thing with a <c>with</c> expression.
/// </summary>
public sealed record TestToken
{
    public required string Issuer { get; init; }

    /// <summary>The <c>aud</c> claim; null leaves it out.</summary>
    public string? Audience { get; init; }

    public string Subject { get; init; } = "test-subject";

    public string? ClientId { get; init; } = "test-client";

    public string? Scope { get; init; }

    /// <summary>The <c>jti</c> claim; null leaves it out.</summary>
    public string? Jti { get; init; } = Guid.NewGuid().ToString("N");

    /// <summary>The JOSE header <c>typ</c>; the edge only accepts <c>at+jwt</c> (RFC 9068).</summary>
    public string Type { get; init; } = "at+jwt";

    public DateTimeOffset? IssuedAt { get; init; }

    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>The <c>exp</c> claim; null leaves it out.</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>Any further payload claims.</summary>
    public IReadOnlyDictionary<string, object> Claims { get; init; } = new Dictionary<string, object>();

    /// <summary>Signs the token with <paramref name="key"/> (its <c>KeyId</c> becomes the header's <c>kid</c>).</summary>
    public string Sign(SecurityKey key, string algorithm = SecurityAlgorithms.RsaSha256) =>
        Create(new SigningCredentials(key, algorithm));

    /// <summary>An unsecured JWT (RFC 7519 §6): header <c>alg: none</c> and an empty signature.</summary>
    public string Unsigned() => Create(signingCredentials: null);

    private string Create(SigningCredentials? signingCredentials)
    {
        var claims = new Dictionary<string, object>(Claims, StringComparer.Ordinal) { ["sub"] = Subject };
        if (ClientId is not null)
        {
            claims["client_id"] = ClientId;
        }

        if (Scope is not null)
        {
            claims["scope"] = Scope;
        }

        if (Jti is not null)
        {
            claims["jti"] = Jti;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            TokenType = Type,
            Claims = claims,
            IssuedAt = IssuedAt?.UtcDateTime,
            NotBefore = NotBefore?.UtcDateTime,
            Expires = Expires?.UtcDateTime,
            SigningCredentials = signingCredentials,
        };

        // Only the times set on this record go into the token: an expired or exp-less token must stay that way.
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}

/// <summary>Factories for <see cref="TestToken"/> and the keys forged tokens are signed with.</summary>
public static class TestTokens
{
    /// <summary>
    /// A token shaped like the edge's own access tokens (<c>typ at+jwt</c>, <c>aud</c> = issuer, valid for ten
    /// minutes from now). Signed with the server's key and recorded in the ledger it is accepted.
    /// </summary>
    public static TestToken AccessToken(string issuer, string scope, DateTimeOffset? now = null)
    {
        var at = now ?? DateTimeOffset.UtcNow;
        return new TestToken
        {
            Issuer = issuer,
            Audience = issuer,
            Scope = scope,
            IssuedAt = at,
            NotBefore = at,
            Expires = at.AddMinutes(10),
        };
    }

    /// <summary>A new 2048-bit RSA key nobody trusts, optionally claiming another key's <c>kid</c>.</summary>
    public static RsaSecurityKey UntrustedRsaKey(string? keyId = null) => new(RSA.Create(2048)) { KeyId = keyId };

    /// <summary>
    /// The algorithm-confusion key: an HMAC key made of the bytes of an RSA public key's PEM text, which an
    /// attacker can download from the JWKS. A verifier that lets the token pick HS256 would accept the forgery.
    /// </summary>
    public static SymmetricSecurityKey PublicKeyAsHmacKey(SecurityKey rsaKey) =>
        new(Encoding.ASCII.GetBytes(PublicKeyPem(rsaKey))) { KeyId = rsaKey.KeyId };

    /// <summary>The SubjectPublicKeyInfo PEM of an RSA key (raw or in a certificate).</summary>
    public static string PublicKeyPem(SecurityKey rsaKey)
    {
        switch (rsaKey)
        {
            case RsaSecurityKey { Rsa: { } rsa }:
                return rsa.ExportSubjectPublicKeyInfoPem();
            case RsaSecurityKey raw:
                using (var rsa = RSA.Create(raw.Parameters))
                {
                    return rsa.ExportSubjectPublicKeyInfoPem();
                }

            case X509SecurityKey { Certificate: { } certificate }:
                using (var rsa = certificate.GetRSAPublicKey() ?? throw new ArgumentException("The certificate has no RSA public key.", nameof(rsaKey)))
                {
                    return rsa.ExportSubjectPublicKeyInfoPem();
                }

            default:
                throw new ArgumentException($"Not an RSA key: {rsaKey?.GetType().Name}.", nameof(rsaKey));
        }
    }
}
