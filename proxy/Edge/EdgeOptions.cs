namespace Facade.Proxy.Edge;

/// <summary><c>Facade:Edge</c>: how the reverse proxy authenticates callers and what it tells backends.</summary>
public sealed class EdgeOptions
{
    public const string SectionName = "Facade:Edge";

    /// <summary>The YARP routes file; by default <c>yarp.json</c> in the content root or the folder above it.</summary>
    public string? RoutesFile { get; set; }

    /// <summary>
    /// First path segments that get their own protected resource metadata (RFC 9728 path-suffixed); a route can name a
    /// longer resource path of its own with <c>Facade.ResourcePath</c>.
    /// </summary>
    public List<string> ProtectedPrefixes { get; set; } = ["mcp", "api", "devices", "realtime", "alerts"];

    /// <summary>Accept <c>?access_token=</c> for legacy clients (RFC 6750 §2.3 discourages it). Off by default.</summary>
    public bool AllowQueryStringToken { get; set; }

    /// <summary>
    /// More headers a client may never send to a backend (exact names, or prefixes ending in <c>*</c>), besides those
    /// always stripped: <c>X-Facade-*</c>, <c>X-Forwarded-*</c>, <c>X-Auth-Request-*</c>, <c>Remote-*</c>, <c>Forwarded</c>,
    /// <c>X-Real-IP</c>, <c>X-Remote-User</c>, <c>X-User</c> (<see cref="IdentityHeaderFilter"/>).
    /// </summary>
    public List<string> StrippedHeaders { get; set; } = [];

    /// <summary>
    /// Proxies in front of the edge (load balancers) whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are
    /// believed: IP addresses or CIDR networks. Empty (the default): every client-sent <c>X-Forwarded-*</c> is ignored.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>HMAC key (at least 32 characters) that signs the identity headers of clusters in <c>identity</c> mode.</summary>
    public string? IdentitySigningKey { get; set; }

    /// <summary>
    /// Largest request body (bytes) sent to a cluster in <c>identity</c> mode: the edge reads the body to sign its
    /// SHA-256 before forwarding it (beyond 30 KB in a temporary file); larger bodies get 413.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0, 1 << 30)]
    public int IdentityMaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How many validated tokens the edge remembers (each a few KB: the principal and its claims); past that, new
    /// tokens are still validated, just not remembered. Zero turns the cache off.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0, 1_000_000)]
    public int TokenCacheSize { get; set; } = 20_000;

    /// <summary>Tolerance for clock differences when checking token lifetimes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
