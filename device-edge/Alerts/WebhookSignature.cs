using System.Security.Cryptography;
using System.Text;

namespace Facade.DeviceEdge.Alerts;

/// <summary>
/// Webhook signatures in the Standard Webhooks format, so receivers can verify them with an existing library:
/// <c>webhook-signature: v1,&lt;base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}"&gt;</c>, keyed with
/// the base64-decoded part of the rule's <c>whsec_…</c> secret.
/// </summary>
internal static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Sign(string secret, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var key = Convert.FromBase64String(secret[SecretPrefix.Length..]);
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.UTF8.GetBytes(FormattableString.Invariant($"{messageId}.{timestamp}.")));
        hmac.AppendData(body);
        return "v1," + Convert.ToBase64String(hmac.GetHashAndReset());
    }
}
