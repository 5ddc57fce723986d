using System.ComponentModel.DataAnnotations;

namespace Facade.McpAdapter.Hosting;

/// <summary>The <c>Adapter</c> section: which edge issues the tokens this adapter accepts, and who may call it.</summary>
public sealed class AdapterOptions
{
    public const string SectionName = "Adapter";

    /// <summary>The edge's public URL: token issuer and audience (docs/architecture.md: one canonical resource).</summary>
    [Required]
    public Uri? Issuer { get; set; }

    /// <summary>Where to read the edge's discovery document (and so its JWKS); defaults to the issuer's.</summary>
    public Uri? MetadataAddress { get; set; }

    /// <summary>
    /// Browser origins allowed to call the MCP endpoints besides the issuer's own. Requests without an Origin header
    /// (desktop clients, SDKs) are always allowed; any other Origin is refused (DNS-rebinding protection).
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a validated token is remembered at most (never past its expiry); zero turns the cache off.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan TokenCacheLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest JSON-RPC request body accepted.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Answer a streamable HTTP POST whose only message back is its response with one <c>application/json</c> document
    /// (when the client accepts it) instead of a one-event SSE stream. Answers with notifications before the response
    /// stay event streams either way.
    /// </summary>
    public bool JsonResponses { get; set; } = true;

    /// <summary>What tools/list, resources/list, resources/templates/list and prompts/list show (see <see cref="ToolListing"/>).</summary>
    public ToolListing ToolListing { get; set; } = ToolListing.Grantable;

    /// <summary>
    /// How long the skills an agent's runtime announced (the device edge's <c>/agents/{id}/skills</c>) are reused per
    /// agent and user before the device edge is asked again; zero asks on every list and call.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan AnnouncedSkillsCacheLifetime { get; set; } = TimeSpan.FromSeconds(1);

    public string ResourceMetadataUrl => Facade.Common.BearerChallenge.ResourceMetadataUrl(Issuer!.AbsoluteUri, "mcp");
}

/// <summary>Which catalog entries the list methods show a caller.</summary>
public enum ToolListing
{
    /// <summary>
    /// Everything the server offers, each with the scopes it needs in <c>_meta["facade/scopes"]</c>: a client signed in
    /// with fewer scopes learns what it can step up to (a call without the scope gets 403 insufficient_scope).
    /// </summary>
    Grantable,

    /// <summary>Only what the token's scopes already allow.</summary>
    Granted,
}
