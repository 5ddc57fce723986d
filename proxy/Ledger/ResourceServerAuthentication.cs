using System.Text;
using Facade.Common.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Facade.Proxy.Ledger;

internal enum ResourceServerCheck
{
    Authenticated,

    /// <summary>No credentials, unknown client, public client or wrong secret: 401.</summary>
    Unauthenticated,

    /// <summary>A confidential client without the introspection endpoint permission: 403.</summary>
    NotPermitted,
}

/// <summary>
/// Authenticates a resource server the way the introspection endpoint admits one: a confidential client with the
/// introspection endpoint permission (<c>Facade:Clients</c> with <c>Introspection: true</c>), presenting its id and
/// secret with client_secret_basic (RFC 6749 §2.3.1). Secrets are checked by OpenIddict's own hashed comparison, which
/// is deliberately slow (PBKDF2); a resource server polls every second, so a successful check is remembered for
/// <see cref="RememberFor"/> by the SHA-256 of the presented credentials (failures never are).
/// </summary>
internal sealed class ResourceServerAuthentication(TimeProvider time)
{
    public static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(1);

    private readonly ValidatedTokenCache<string> _admitted = new(time, capacity: 1_000);

    public async Task<ResourceServerCheck> CheckAsync(HttpRequest request, IOpenIddictApplicationManager applications, CancellationToken cancellationToken)
    {
        var header = request.Headers.Authorization.ToString();
        if (!TryReadBasic(header, out var clientId, out var secret))
        {
            return ResourceServerCheck.Unauthenticated;
        }

        var credentials = TokenHash.Of(header);
        if (_admitted.TryGet(credentials, out _))
        {
            return ResourceServerCheck.Authenticated;
        }

        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (application is null
            || !await applications.HasClientTypeAsync(application, ClientTypes.Confidential, cancellationToken)
            || !await applications.ValidateClientSecretAsync(application, secret, cancellationToken))
        {
            return ResourceServerCheck.Unauthenticated;
        }

        if (!await applications.HasPermissionAsync(application, Permissions.Endpoints.Introspection, cancellationToken))
        {
            return ResourceServerCheck.NotPermitted;
        }

        _admitted.Add(credentials, clientId, time.GetUtcNow() + RememberFor);
        return ResourceServerCheck.Authenticated;
    }

    private static bool TryReadBasic(string header, out string clientId, out string secret)
    {
        clientId = secret = "";
        const string Prefix = "Basic ";
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || header.Length > 4096)
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[Prefix.Length..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == decoded.Length - 1)
        {
            return false;
        }

        try
        {
            clientId = Uri.UnescapeDataString(decoded[..colon]);
            secret = Uri.UnescapeDataString(decoded[(colon + 1)..]);
        }
        catch (UriFormatException)
        {
            return false;
        }

        return clientId.Length > 0 && secret.Length > 0;
    }
}
