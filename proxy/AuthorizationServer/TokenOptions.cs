using System.ComponentModel.DataAnnotations;

namespace Facade.Proxy.AuthorizationServer;

/// <summary><c>Facade:Tokens</c>: lifetimes and the refresh-token reuse leeway.</summary>
public sealed class TokenOptions
{
    public const string SectionName = "Facade:Tokens";

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    [Range(typeof(TimeSpan), "00:05:00", "365.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    [Range(typeof(TimeSpan), "00:00:30", "00:10:00")]
    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a just-rotated refresh token may still be presented (parallel refreshes from one client).
    /// Zero turns the leeway off; OpenIddict's own default is 30 s, ours is 5 s at most by default.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan RefreshTokenReuseLeeway { get; set; } = TimeSpan.FromSeconds(5);
}
