using System.Net;
using Facade.Common.Net;

namespace Facade.DeviceEdge.Alerts;

/// <summary>
/// What a webhook URL may be: absolute https (http only when insecure webhooks are allowed in Development), no user
/// name or password, no fragment, and not an IP literal of the internal network. Host names are checked where it
/// matters, on the socket at delivery (<see cref="PublicOnlyHttpHandler"/>); this check gives the early, clear 400.
/// </summary>
internal static class WebhookUrls
{
    public static string? Check(string? url, bool allowInsecure)
    {
        if (string.IsNullOrEmpty(url))
        {
            return "'channel.url' is required for a webhook channel.";
        }

        if (url.Length > AlertRuleLimits.MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("https" or "http") || string.IsNullOrEmpty(uri.Host))
        {
            return $"'channel.url' must be an absolute https URL of at most {AlertRuleLimits.MaxUrlLength} characters.";
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !allowInsecure)
        {
            return "'channel.url' must use https.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return "'channel.url' must not contain a user name, password or fragment.";
        }

        if (!allowInsecure && (uri.IsLoopback || IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address) && !PublicAddresses.IsPublic(address)))
        {
            return "'channel.url' must not point at a loopback, private or other special-purpose address.";
        }

        return null;
    }
}
