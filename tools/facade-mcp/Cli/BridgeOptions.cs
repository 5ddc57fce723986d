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

    public required string TokenCachePath { get; init; }

    /// <summary>0: reuse the port the cached client was registered with when it is free, else any free port.</summary>
    public int CallbackPort { get; init; }

    public bool Logout { get; init; }

    public bool LoginOnly { get; init; }

    public bool Verbose { get; init; }

    public TimeSpan AuthorizationTimeout { get; init; } = TimeSpan.FromMinutes(5);
}
