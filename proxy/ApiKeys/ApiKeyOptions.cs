using System.ComponentModel.DataAnnotations;

namespace Facade.Proxy.ApiKeys;

/// <summary><c>Facade:ApiKeys</c>: the key prefixes, the pepper keys are hashed with, and the tokens minted from keys.</summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "Facade:ApiKeys";

    /// <summary>User keys, sent as <c>Authorization: Bearer &lt;prefix&gt;…</c>.</summary>
    public string UserKeyPrefix { get; set; } = "fk_u_";

    /// <summary>Agent keys, sent as <c>X-Agent-API-Key: &lt;prefix&gt;…</c>.</summary>
    public string AgentKeyPrefix { get; set; } = "fk_a_";

    /// <summary>
    /// The HMAC-SHA256 key (pepper, at least 32 characters) keys are hashed with before they are stored or looked up.
    /// Required outside Development; Development generates one into <c>&lt;DataDirectory&gt;/keys/api-key-hash.key</c>.
    /// Changing it makes every existing key unusable.
    /// </summary>
    public string? HashKey { get; set; }

    /// <summary>Lifetime of the access token the edge mints from a key (and caches per key until shortly before it ends).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary><c>POST /oauth/key-token</c> requests per client address and minute.</summary>
    [Range(1, 100_000)]
    public int KeyTokenPermitsPerMinute { get; set; } = 600;

    /// <summary>Live (not revoked) keys one user may have.</summary>
    [Range(1, 10_000)]
    public int MaxKeysPerUser { get; set; } = 100;
}
