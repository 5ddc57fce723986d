using System.Net;

namespace Facade.Proxy.Registration;

/// <summary>
/// Which redirect URIs a client may register: https, or http on a loopback address (RFC 8252 §7.3), or a
/// reverse-domain private-use scheme for native apps (RFC 8252 §7.1, e.g. <c>com.example.app:/callback</c>).
/// Never fragments, never credentials, never scripts.
/// </summary>
public static class RedirectUriPolicy
{
    public static bool IsAllowed(string? value, out string? reason)
    {
        reason = null;
        if (string.IsNullOrWhiteSpace(value) || value.Length > 2000 || !Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            reason = "must be an absolute URI";
            return false;
        }

        if (!string.IsNullOrEmpty(uri.Fragment) || value.Contains('#', StringComparison.Ordinal))
        {
            reason = "must not contain a fragment";
            return false;
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            reason = "must not contain user information";
            return false;
        }

        switch (uri.Scheme)
        {
            case "https":
                return true;
            case "http" when IsLoopback(uri):
                return true;
            case "http":
                reason = "http is only allowed for loopback addresses (127.0.0.1, [::1], localhost)";
                return false;
            case "javascript" or "data" or "file" or "vbscript" or "blob" or "about" or "ftp" or "ws" or "wss":
                reason = $"the '{uri.Scheme}' scheme is not allowed";
                return false;
            default:
                // Private-use schemes must be reverse domain names (at least one dot), per RFC 8252 §7.1.
                if (uri.Scheme.Contains('.', StringComparison.Ordinal))
                {
                    return true;
                }

                reason = "must be https, loopback http, or a reverse-domain private-use scheme";
                return false;
        }
    }

    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
}
