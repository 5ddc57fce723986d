using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Facade.Common.Identity;

/// <summary>
/// The signed identity headers the edge sends to a cluster in <c>identity</c> mode, and the one canonical string both
/// the edge and a backend compute from a request (README, "Identity mode"):
/// <code>
/// FACADE-IDENTITY-V1 \n timestamp \n nonce \n METHOD \n host \n path?query \n content-sha256 \n subject \n client \n scopes
/// </code>
/// joined by a single <c>\n</c> (no spaces), UTF-8, HMAC-SHA256 with the shared key, base64url without padding. No field
/// can contain a line break (HTTP header values and request targets cannot), so the fields cannot be shifted.
/// </summary>
public static class IdentitySignature
{
    public const string Version = "FACADE-IDENTITY-V1";

    public const string SubjectHeader = "X-Facade-Subject";
    public const string ClientHeader = "X-Facade-Client";
    public const string ScopesHeader = "X-Facade-Scopes";
    public const string TimestampHeader = "X-Facade-Timestamp";
    public const string NonceHeader = "X-Facade-Nonce";
    public const string ContentSha256Header = "X-Facade-Content-SHA256";
    public const string SignatureHeader = "X-Facade-Signature";

    /// <summary>The canonical string; <paramref name="method"/> is upper-cased and <paramref name="host"/> lower-cased here.</summary>
    public static string CanonicalString(
        string timestamp, string nonce, string method, string host, string pathAndQuery, string contentSha256, string subject, string client, string scopes)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(host);
        return string.Join('\n', Version, timestamp, nonce, method.ToUpperInvariant(), host.ToLowerInvariant(), pathAndQuery, contentSha256, subject, client, scopes);
    }

    /// <summary>base64url (no padding) of HMAC-SHA256(<paramref name="key"/>, UTF-8 of <paramref name="canonicalString"/>).</summary>
    public static string Sign(ReadOnlySpan<byte> key, string canonicalString) =>
        Base64Url.EncodeToString(Mac(key, canonicalString));

    /// <summary>Lower-case hex SHA-256 of the body exactly as sent (of nothing when there is no body).</summary>
    public static string ContentSha256(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    /// <summary>Unix time in whole seconds, the format of <see cref="TimestampHeader"/>.</summary>
    public static string Timestamp(DateTimeOffset now) => now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>128 random bits, base64url: unique per request, so a verifier can refuse a replay inside its window.</summary>
    public static string NewNonce()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    internal static byte[] Mac(ReadOnlySpan<byte> key, string canonicalString) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(canonicalString));
}
