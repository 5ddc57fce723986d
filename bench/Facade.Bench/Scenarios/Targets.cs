namespace Facade.Bench.Scenarios;

/// <summary>Names of the targets, as they appear in the table and the logs.</summary>
internal static class Targets
{
    public const string Direct = "direct";
    public const string Nginx = "nginx";
    public const string Haproxy = "haproxy-jwt";
    public const string Yarp = "yarp";
    public const string Facade = "facade";
    public const string FacadeKey = "facade-key";
    public const string FacadeMcp = "facade-mcp";
    public const string FacadeMcpChannel = "facade-mcp-channel";
    public const string FacadeNoToken = "facade-no-token";
    public const string FacadeForged = "facade-forged";
    public const string HaproxyForged = "haproxy-forged";

    /// <summary>What each server does with the request, for the table.</summary>
    public static string Describe(string name) => name switch
    {
        Direct => "the backend itself (Kestrel), no proxy",
        Nginx => "nginx `proxy_pass`, keepalive upstream, no token check",
        Haproxy => "HAProxy `jwt_verify` (same algorithm as the edge) + `aud`/`exp`/scope (no revocation)",
        Yarp => "plain YARP 2.3.0, one route, no auth",
        Facade => "Facade edge, production config: JWT + ledger + scope policy",
        FacadeKey => "the same, authenticated by a user key (`Bearer fk_u_…`, same scope) the edge turns into a cached JWT",
        FacadeMcp => "MCP `tools/call` via edge + adapter",
        FacadeMcpChannel => "MCP `tools/call` of a channel-backed tool via edge + adapter + device edge + agent runtime",
        FacadeNoToken => "edge, no token → 401",
        FacadeForged => "edge, forged signature (256 distinct) → 401",
        HaproxyForged => "HAProxy, forged signature (256 distinct) → 401",
        _ => "",
    };
}
