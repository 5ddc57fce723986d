using System.ComponentModel.DataAnnotations;

namespace Facade.Proxy.AuthorizationServer;

/// <summary><c>Facade:Tokens</c>: lifetimes, the refresh-token reuse leeway and when refresh tokens are issued.</summary>
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
    /// Zero (the default): a refresh token works once; presenting it again is reuse and revokes the whole grant.
    /// Otherwise, how long after its first redemption a refresh token may be presented again (parallel refreshes from
    /// one client): such a second redemption gets the first one's response again, never a second set of tokens.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan RefreshTokenReuseLeeway { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Clients registered with the <c>refresh_token</c> grant get a refresh token (and <c>offline_access</c> in their
    /// granted scopes) without asking for <c>offline_access</c>, as MCP clients expect. Clients without that grant
    /// never get refresh tokens.
    /// </summary>
    public bool RefreshTokensWithoutOfflineAccess { get; set; } = true;
}
