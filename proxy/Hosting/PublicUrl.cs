using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.Hosting;

/// <summary>
/// The edge's public base URL, always with a trailing slash. It is the token issuer and the canonical resource.
/// When not configured (Development and tests on port 0) it is read from Kestrel once the server listens.
/// </summary>
public sealed class PublicUrl(IOptions<FacadeOptions> options, IServer server)
{
    private Uri? _value = Normalize(options.Value.PublicUrl);

    public Uri Value => _value ??= Normalize(FirstServerAddress())
        ?? throw new InvalidOperationException("Facade:PublicUrl is not set and the server has no address yet.");

    /// <summary>The issuer and canonical resource as a string, e.g. <c>http://127.0.0.1:5000/</c>.</summary>
    public string Issuer => Value.AbsoluteUri;

    public string Resolve(string relative) => new Uri(Value, relative.TrimStart('/')).AbsoluteUri;

    /// <summary>True when <paramref name="resource"/> names the edge itself or a path under it (RFC 8707 indicators).</summary>
    public bool IsOwnResource(string? resource)
    {
        if (!Uri.TryCreate(resource, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return false;
        }

        var canonical = Value;
        return string.Equals(uri.Scheme, canonical.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.Host, canonical.Host, StringComparison.OrdinalIgnoreCase)
            && uri.Port == canonical.Port
            && (uri.AbsolutePath + "/").StartsWith(canonical.AbsolutePath, StringComparison.Ordinal);
    }

    private Uri? FirstServerAddress()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return address is null ? null : new Uri(address.Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://localhost", "://127.0.0.1", StringComparison.Ordinal));
    }

    private static Uri? Normalize(Uri? uri) =>
        uri is null ? null : uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
