using System.Globalization;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Facade.Proxy.Ledger;

/// <summary>
/// A place in the revocation feed: the last token a consumer received (its sequence and jti). Handed out as an opaque
/// base64url cursor; <see cref="Start"/> is before every revocation.
/// </summary>
public readonly record struct RevocationPosition(long Sequence, string Jti)
{
    public static RevocationPosition Start { get; } = new(0, "");

    public bool IsStart => Sequence == 0 && Jti.Length == 0;

    public string ToCursor() => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Sequence}.{Jti}")));

    public static bool TryParseCursor(string? cursor, out RevocationPosition position)
    {
        position = Start;
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 200)
        {
            return false;
        }

        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(cursor));
        }
        catch (FormatException)
        {
            return false;
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            || text.Length - dot - 1 > 100)
        {
            return false;
        }

        position = new RevocationPosition(sequence, text[(dot + 1)..]);
        return true;
    }
}

/// <summary>A revoked access token as the feed reports it.</summary>
public sealed record RevokedToken(string Jti, DateTimeOffset ExpiresAt, RevocationPosition Position);
