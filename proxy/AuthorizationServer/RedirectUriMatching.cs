using System.Globalization;

namespace Facade.Proxy.AuthorizationServer;

/// <summary>
/// Whether a redirect_uri sent to the authorize endpoint names one the client registered: the same string, or — for
/// native apps listening on a loopback IP literal — the same string with another port (RFC 8252 §7.3: the port is
/// picked when the app starts, so the authorization server must accept any). Only <c>http://127.0.0.1</c> and
/// <c>http://[::1]</c> qualify; <c>localhost</c> keeps exact matching, as RFC 8252 §8.3 advises against it (a name
/// the hosts file or resolver may point elsewhere). The comparison is textual: scheme and host must be the literal
/// prefix, then an optional decimal port, then path and query equal to the registered ones character for character,
/// so user information, longer host names or another path can never hide behind the port.
/// </summary>
internal static class RedirectUriMatching
{
    private static readonly string[] LoopbackPrefixes = ["http://127.0.0.1", "http://[::1]"];

    /// <summary>The registered redirect URI that <paramref name="requested"/> stands for, or null when none does.</summary>
    public static string? FindRegistered(IEnumerable<string> registered, string requested)
    {
        ArgumentNullException.ThrowIfNull(registered);
        string? loopback = null;
        foreach (var candidate in registered)
        {
            if (string.Equals(candidate, requested, StringComparison.Ordinal))
            {
                return candidate;
            }

            loopback ??= LoopbackMatches(candidate, requested) ? candidate : null;
        }

        return loopback;
    }

    public static bool Matches(string registered, string requested) =>
        string.Equals(registered, requested, StringComparison.Ordinal) || LoopbackMatches(registered, requested);

    /// <summary>Whether <paramref name="uri"/> is a loopback IP literal redirect URI, which matches on any port.</summary>
    public static bool IsLoopbackLiteral(string uri) => LoopbackPrefixes.Any(prefix => AfterPort(uri, prefix) is not null);

    private static bool LoopbackMatches(string registered, string requested)
    {
        foreach (var prefix in LoopbackPrefixes)
        {
            if (AfterPort(registered, prefix) is { } registeredRest && AfterPort(requested, prefix) is { } requestedRest)
            {
                return string.Equals(registeredRest, requestedRest, StringComparison.Ordinal);
            }
        }

        return false;
    }

    /// <summary>
    /// For <c>http://127.0.0.1:8765/callback?x=1</c> and the prefix <c>http://127.0.0.1</c>: <c>/callback?x=1</c>. Null when
    /// the text does not continue the prefix with an optional port (1–65535, no leading zero) and then a path, a query or
    /// its end, or when it carries a fragment.
    /// </summary>
    private static string? AfterPort(string uri, string prefix)
    {
        if (!uri.StartsWith(prefix, StringComparison.Ordinal) || uri.Contains('#', StringComparison.Ordinal))
        {
            return null;
        }

        var rest = uri.AsSpan(prefix.Length);
        if (rest is [':', .. var afterColon])
        {
            var digits = afterColon.IndexOfAnyExceptInRange('0', '9') is var end and >= 0 ? afterColon[..end] : afterColon;
            if (digits is [] or ['0', ..] || digits.Length > 5
                || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
            {
                return null;
            }

            rest = afterColon[digits.Length..];
        }

        return rest is [] or ['/', ..] or ['?', ..] ? rest.ToString() : null;
    }
}
