using System.CommandLine;

namespace Facade.Mcp.Bridge.Cli;

/// <summary>The command line: options, their defaults from the environment, and validation.</summary>
internal static class BridgeCommand
{
    public static RootCommand Create()
    {
        var url = new Option<string>("--url")
        {
            Description = $"The MCP endpoint behind the edge: …/mcp or …/agents/<id>/mcp (default: FACADE_URL, else {BridgeOptions.DefaultUrl}).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FACADE_URL") is { Length: > 0 } fromEnvironment ? fromEnvironment : BridgeOptions.DefaultUrl,
        };
        var scope = new Option<string[]>("--scope")
        {
            Description = "Scopes to ask for at the first sign-in (space- or comma-separated, repeatable); default: what the edge offers.",
            AllowMultipleArgumentsPerToken = true,
        };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Do not open a browser; print the sign-in URL on stderr only." };
        var tokenCache = new Option<string>("--token-cache")
        {
            Description = "Token cache file (owner-only, keyed by MCP URL).",
            DefaultValueFactory = _ => Auth.TokenStore.DefaultPath(),
        };
        var callbackPort = new Option<int>("--callback-port")
        {
            Description = "Loopback port for the sign-in redirect (default 0: any free port).",
        };
        callbackPort.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                result.AddError("--callback-port must be between 0 and 65535.");
            }
        });
        var logout = new Option<bool>("--logout") { Description = "Revoke and delete the cached tokens for --url, then exit." };
        var login = new Option<bool>("--login") { Description = "Sign in (or check the cached sign-in), cache the tokens and exit without serving stdio." };
        var verbose = new Option<bool>("--verbose") { Description = "Diagnostics on stderr." };

        var command = new RootCommand("MCP over stdio for a Facade edge: forwards tools, resources and prompts to --url. "
            + "Authenticates with FACADE_TOKEN when set, else signs in through the browser (OAuth, loopback redirect) and caches and refreshes the tokens.")
        {
            url, scope, noBrowser, tokenCache, callbackPort, logout, login, verbose,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (!TryParseUrl(result.GetValue(url), out var endpoint, out var problem))
            {
                Stderr.Error(problem);
                return ExitCodes.Usage;
            }

            var options = new BridgeOptions
            {
                Url = endpoint,
                Token = Environment.GetEnvironmentVariable("FACADE_TOKEN") is { Length: > 0 } token ? token.Trim() : null,
                Scopes = (result.GetValue(scope) ?? []).SelectMany(s => s.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)).Distinct().ToList(),
                OpenBrowser = !result.GetValue(noBrowser),
                TokenCachePath = result.GetValue(tokenCache) ?? Auth.TokenStore.DefaultPath(),
                CallbackPort = result.GetValue(callbackPort),
                Logout = result.GetValue(logout),
                LoginOnly = result.GetValue(login),
                Verbose = result.GetValue(verbose),
            };
            Stderr.Verbose = options.Verbose;
            return await BridgeRunner.RunAsync(options, cancellationToken);
        });
        return command;
    }

    /// <summary>An absolute http(s) URL; plain http only for loopback (tokens never cross a network in clear text).</summary>
    internal static bool TryParseUrl(string? text, out Uri url, out string problem)
    {
        url = null!;
        problem = "";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp))
        {
            problem = $"--url '{text}' is not an absolute http(s) URL, e.g. {BridgeOptions.DefaultUrl}.";
            return false;
        }

        if (parsed.Scheme == Uri.UriSchemeHttp && !parsed.IsLoopback)
        {
            problem = $"--url '{text}' must use https (plain http is only allowed for loopback addresses).";
            return false;
        }

        url = parsed;
        return true;
    }
}
