using System.Net;
using Facade.Bench.Load;
using Facade.Bench.Servers;

namespace Facade.Bench.Scenarios;

/// <summary>
/// Scenario 3: the token endpoint under load. Refresh grants with rotation (each worker owns one token family and
/// always presents the newest refresh token), and full authorization-code flows in a signed-in session (authorize
/// redirect with a fresh PKCE challenge, then the code exchange).
/// </summary>
/// <remarks>
/// Each grant runs thousands of distinct methods (OpenIddict's handler chain, EF Core, IdentityModel) at a few dozen
/// grants per second, so tiered JIT takes far longer to settle than on the proxy path: the targets warm up 3× longer.
/// </remarks>
internal sealed class TokenScenario(EdgeServer edge, EdgeTokens tokens, int workers, TimeSpan warmup)
{
    public const string RefreshTarget = "facade-refresh";
    public const string CodeFlowTarget = "facade-code-flow";

    private string[] _chains = [];

    /// <summary>The first wrong answer seen, for the report.</summary>
    public string? LastError { get; private set; }

    public int Workers => workers;

    public async Task<IReadOnlyList<Target>> PrepareAsync()
    {
        _chains = new string[workers];
        for (var i = 0; i < workers; i++)
        {
            _chains[i] = await tokens.NewRefreshTokenAsync();
        }

        return
        [
            new Target(RefreshTarget, edge.Process, (_, duration) => ClientLoad.RunAsync(workers, duration, RefreshAsync)) { Warmup = warmup * 3 },
            new Target(CodeFlowTarget, edge.Process, (_, duration) => ClientLoad.RunAsync(workers, duration, _ => CodeFlowAsync())) { Warmup = warmup * 3 },
        ];
    }

    private async Task<bool> RefreshAsync(int worker)
    {
        var result = await tokens.OAuth.RefreshAsync(tokens.Client, _chains[worker]);
        if (result.Status != HttpStatusCode.OK || result.RefreshToken is null || result.AccessToken is null)
        {
            LastError ??= $"refresh grant answered {(int)result.Status}: {result.Json}";
            return false;
        }

        if (result.RefreshToken == _chains[worker])
        {
            LastError ??= "the refresh grant returned the same refresh token: rotation is off";
            return false;
        }

        _chains[worker] = result.RefreshToken;
        return true;
    }

    private async Task<bool> CodeFlowAsync()
    {
        var grant = await tokens.AuthorizeAsync(EdgeServer.TasksScope);
        if (grant is null)
        {
            LastError ??= "the authorize endpoint did not redirect with a code";
            return false;
        }

        var token = await tokens.OAuth.ExchangeCodeAsync(tokens.Client, grant.Value.Code, grant.Value.Verifier, tokens.Resource);
        if (token.Status != HttpStatusCode.OK || token.AccessToken is null)
        {
            LastError ??= $"code exchange answered {(int)token.Status}: {token.Json}";
            return false;
        }

        return true;
    }
}
