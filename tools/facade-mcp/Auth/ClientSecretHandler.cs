using System.Net.Http.Headers;
using System.Text;
using System.Web;

namespace Facade.Mcp.Bridge.Auth;

/// <summary>
/// A pre-registered confidential client authenticates at the token endpoint as the authorization server's metadata says
/// (<see cref="EdgeClientDocument.SecretAuthenticationMethodAsync"/>): the SDK picks the first method the server lists,
/// which for a server that also lists <c>none</c> may send no secret at all. Token requests (authorization_code,
/// refresh_token) for this client get its credentials one way, client_secret_basic or client_secret_post, and only
/// that way; nothing else is touched. The secret is never logged.
/// </summary>
internal sealed class ClientSecretHandler(string clientId, string secret, string method) : DelegatingHandler
{
    public const string Basic = "client_secret_basic";
    public const string Post = "client_secret_post";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Post && request.Content is FormUrlEncodedContent content)
        {
            var form = HttpUtility.ParseQueryString(await content.ReadAsStringAsync(cancellationToken));
            if (form["grant_type"] is "authorization_code" or "refresh_token" && (form["client_id"] ?? BasicClientId(request)) == clientId)
            {
                var fields = form.AllKeys.Where(key => key is not null and not "client_id" and not "client_secret")
                    .ToDictionary(key => key!, key => form[key]!);
                request.Headers.Authorization = null;
                if (method == Post)
                {
                    fields["client_id"] = clientId;
                    fields["client_secret"] = secret;
                }
                else
                {
                    // RFC 6749 §2.3.1: both encoded before joining them (as the SDK and Logout do).
                    var credentials = $"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}";
                    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
                }

                request.Content = new FormUrlEncodedContent(fields);
            }
        }

        return await base.SendAsync(request, cancellationToken);
    }

    private static string? BasicClientId(HttpRequestMessage request)
    {
        if (request.Headers.Authorization is not { Scheme: "Basic", Parameter: { } parameter })
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : Uri.UnescapeDataString(decoded[..colon]);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
