namespace Facade.Common.Tokens;

/// <summary>Reads the token out of an <c>Authorization: Bearer …</c> value (RFC 6750 §2.1), without copying it.</summary>
public static class BearerToken
{
    private const string Prefix = "Bearer ";

    /// <summary>False for any other scheme; the token is trimmed and may be empty.</summary>
    public static bool TryParse(string? authorization, out ReadOnlyMemory<char> token)
    {
        if (authorization is null || !authorization.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            token = default;
            return false;
        }

        token = authorization.AsMemory(Prefix.Length).Trim();
        return true;
    }
}
