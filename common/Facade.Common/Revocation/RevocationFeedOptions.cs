using System.ComponentModel.DataAnnotations;

namespace Facade.Common.Revocation;

/// <summary>
/// Where and how a resource server follows the edge's revocation feed (<c>GET /oauth/revocations</c>). The service
/// binds it from its own section, e.g. <c>Adapter:Revocations</c>.
/// </summary>
public sealed class RevocationFeedOptions
{
    /// <summary>The feed's absolute URL; services default it from the issuer (<c>&lt;issuer&gt;oauth/revocations</c>).</summary>
    public Uri? FeedUrl { get; set; }

    /// <summary>A confidential client of the edge allowed at its introspection endpoint (a resource server).</summary>
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>How often the feed is asked for new revocations.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the service keeps accepting tokens after it last reached the feed. Past it, token-authenticated
    /// requests get 503 <c>introspection_unavailable</c> until the feed answers again (fail closed).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StalenessBound { get; set; } = TimeSpan.FromSeconds(30);
}
