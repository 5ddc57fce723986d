using Microsoft.AspNetCore.Http;

namespace Facade.Common.Auth;

/// <summary>
/// How a Facade service behind the edge validates the edge's access tokens itself (JWKS, issuer, audience, lifetime)
/// and which protected resource metadata its 401 and 403 answers point at. A service fills this from its own options
/// section (e.g. <c>services.AddOptions&lt;ResourceServerOptions&gt;().Configure&lt;IOptions&lt;MyOptions&gt;&gt;(…)</c>)
/// and validates its own keys there, so start-up errors name the service's configuration keys.
/// </summary>
public sealed class ResourceServerOptions
{
    /// <summary>The edge's public URL, ending with '/': the token issuer and the only audience accepted.</summary>
    public Uri? Issuer { get; set; }

    /// <summary>Where the edge's discovery document (and so its JWKS) is read; defaults to the issuer's.</summary>
    public Uri? MetadataAddress { get; set; }

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a validated token is remembered at most (never past its expiry); zero validates every request.</summary>
    public TimeSpan TokenCacheLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Validated tokens remembered at most.</summary>
    public int TokenCacheCapacity { get; set; } = Tokens.ValidatedTokenCache<object>.DefaultCapacity;

    /// <summary>
    /// First path segments that have their own path-suffixed metadata document at the edge (RFC 9728 §3.1), e.g.
    /// <c>devices</c> for <c>/devices/…</c>. A request under none of them points at <see cref="DefaultPrefix"/>'s.
    /// </summary>
    public IList<string> ProtectedPrefixes { get; } = [];

    /// <summary>The metadata prefix for every other path; null points at the root document.</summary>
    public string? DefaultPrefix { get; set; }

    /// <summary>The edge's metadata URL a 401 or 403 for <paramref name="path"/> names in <c>resource_metadata</c>.</summary>
    public string ResourceMetadataUrl(PathString path)
    {
        var issuer = Issuer ?? throw new InvalidOperationException("ResourceServerOptions.Issuer is not set.");
        var first = FirstSegment(path);
        var prefix = DefaultPrefix;
        foreach (var candidate in ProtectedPrefixes)
        {
            if (first.Equals(candidate, StringComparison.OrdinalIgnoreCase))
            {
                prefix = candidate;
                break;
            }
        }

        return BearerChallenge.ResourceMetadataUrl(issuer.AbsoluteUri, prefix);
    }

    private static ReadOnlySpan<char> FirstSegment(PathString path)
    {
        var value = (path.Value ?? "").AsSpan().TrimStart('/');
        var slash = value.IndexOf('/');
        return slash < 0 ? value : value[..slash];
    }
}
