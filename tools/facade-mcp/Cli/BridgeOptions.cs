namespace Facade.Mcp.Bridge.Cli;

/// <summary>Everything the command line and the environment decided.</summary>
internal sealed record BridgeOptions
{
    public const string DefaultUrl = "http://127.0.0.1:5000/mcp";

    /// <summary>The remote MCP endpoint: the edge's <c>/mcp</c> or an agent's <c>/agents/{id}/mcp</c>.</summary>
    public required Uri Url { get; init; }

    /// <summary>From <c>FACADE_TOKEN</c>: sent as the bearer token, and OAuth never runs.</summary>
    public string? Token { get; init; }

    /// <summary>Scopes for the first authorization; later ones (step-up) ask for what the edge names.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    public bool OpenBrowser { get; init; } = true;

    /// <summary>
    /// <c>--headless</c>: no person takes part in the sign-in; the bridge GETs the authorize URL itself and follows its
    /// redirects to the loopback callback. Only for authorization servers that approve without a login page (test suites, CI).
    /// </summary>
    public bool Headless { get; init; }

    /// <summary><c>--client-id</c>: a client registered beforehand (no dynamic registration, no metadata document).</summary>
    public string? ClientId { get; init; }

    /// <summary>The pre-registered client's secret (<c>FACADE_MCP_CLIENT_SECRET</c> or <c>--client-secret</c>). Never logged.</summary>
    public string? ClientSecret { get; init; }

    /// <summary><c>--grant</c>: a machine identity (no person signs in), with <see cref="ClientId"/>; null: a person signs in.</summary>
    public Auth.MachineGrant? Machine { get; init; }

    /// <summary><c>--client-metadata-url</c>: an https client metadata document to identify with instead of the edge's own.</summary>
    public Uri? ClientMetadataUrl { get; init; }

    public required string TokenCachePath { get; init; }

    /// <summary>0: reuse the port the cached client was registered with when it is free, else any free port.</summary>
    public int CallbackPort { get; init; }

    public bool Logout { get; init; }

    public bool LoginOnly { get; init; }

    public bool Verbose { get; init; }

    public TimeSpan AuthorizationTimeout { get; init; } = TimeSpan.FromMinutes(5);
}
