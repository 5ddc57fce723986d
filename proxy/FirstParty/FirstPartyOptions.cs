using System.ComponentModel.DataAnnotations;

namespace Facade.Proxy.FirstParty;

/// <summary><c>Facade:FirstParty</c>: the access tokens a signed-in browser session of the edge trades for (the console's).</summary>
public sealed class FirstPartyOptions
{
    public const string SectionName = "Facade:FirstParty";

    /// <summary>Lifetime of a first-party access token; the page asks for a new one when it runs out.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary><c>POST /oauth/first-party-token</c> requests per client address and minute.</summary>
    [Range(1, 100_000)]
    public int PermitsPerMinute { get; set; } = 60;
}
