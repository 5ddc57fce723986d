using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace Facade.Proxy.AuthorizationServer;

/// <summary>
/// The consent page's "allow", carried back to the authorize endpoint as a query parameter: a data-protected,
/// short-lived statement that this user allowed this client to send them back to this registered redirect URI with
/// these scopes. The page records nothing; the authorize endpoint records the consent only after OpenIddict has
/// validated the request, and only when every field of the marker matches it (<see cref="ConsentMarker.Covers"/>).
/// </summary>
internal sealed class ConsentMarkers(IDataProtectionProvider protection, TimeProvider time)
{
    /// <summary>The authorize request's parameter that carries a marker.</summary>
    public const string Parameter = "facade_consent_grant";

    /// <summary>Long enough for the redirect back to the authorize endpoint (and a sign-in on the way); not for keeping.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly IDataProtector _protector = protection.CreateProtector("Facade.Proxy.ConsentMarker.v1");

    public string Issue(string subject, string clientId, string redirectUri, IEnumerable<string> scopes)
    {
        var marker = new ConsentMarker(
            WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16)),
            subject,
            clientId,
            redirectUri,
            [.. scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            time.GetUtcNow() + Lifetime);
        var payload = JsonSerializer.SerializeToUtf8Bytes(marker, ConsentMarkerJson.Default.ConsentMarker);
        return WebEncoders.Base64UrlEncode(_protector.Protect(payload));
    }

    /// <summary>The marker in <paramref name="value"/>, or null when it is missing, forged, from another key or expired.</summary>
    public ConsentMarker? Read(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 4096)
        {
            return null;
        }

        ConsentMarker? marker;
        try
        {
            marker = JsonSerializer.Deserialize(_protector.Unprotect(WebEncoders.Base64UrlDecode(value)), ConsentMarkerJson.Default.ConsentMarker);
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException or JsonException)
        {
            return null;
        }

        return marker is not null && marker.Expires > time.GetUtcNow() ? marker : null;
    }
}

/// <summary>What the user allowed on the consent page. <see cref="Id"/> is kept with the recorded consent, so a marker counts once.</summary>
internal sealed record ConsentMarker(string Id, string Subject, string ClientId, string RedirectUri, string[] Scopes, DateTimeOffset Expires)
{
    /// <summary>True when the marker speaks for exactly this user, client, registered redirect URI and set of scopes.</summary>
    public bool Covers(string subject, string clientId, string redirectUri, IEnumerable<string> scopes) =>
        string.Equals(Subject, subject, StringComparison.Ordinal)
        && string.Equals(ClientId, clientId, StringComparison.Ordinal)
        && string.Equals(RedirectUri, redirectUri, StringComparison.Ordinal)
        && Scopes.SequenceEqual(scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal), StringComparer.Ordinal);
}

[JsonSerializable(typeof(ConsentMarker))]
internal sealed partial class ConsentMarkerJson : JsonSerializerContext;
