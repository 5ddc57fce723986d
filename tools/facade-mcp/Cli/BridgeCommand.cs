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
        var headless = new Option<bool>("--headless")
        {
            Description = "No person signs in: GET the authorize URL and follow its redirects to the loopback callback (for authorization servers "
                + "that approve without a login page, e.g. test suites; default: FACADE_MCP_HEADLESS=1, else off).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FACADE_MCP_HEADLESS") is "1" or "true",
        };
        var clientId = new Option<string>("--client-id")
        {
            Description = "A client registered at the authorization server beforehand (default: FACADE_MCP_CLIENT_ID); its secret, if any, from FACADE_MCP_CLIENT_SECRET.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FACADE_MCP_CLIENT_ID") is { Length: > 0 } fromEnvironment ? fromEnvironment : null!,
        };
        var clientSecret = new Option<string>("--client-secret")
        {
            Description = "The pre-registered client's secret. Prefer FACADE_MCP_CLIENT_SECRET: a command line is visible to other local users.",
        };
        var clientMetadataUrl = new Option<string>("--client-metadata-url")
        {
            Description = "An https client metadata document to sign in as, when the authorization server supports them (default: the one the edge serves for facade-mcp).",
        };
        var grant = new Option<string>("--grant")
        {
            Description = "A machine identity instead of a person, with --client-id: 'client-credentials' (its secret, or --private-key for private_key_jwt) "
                + "or 'cross-app-access' (the IdP's ID token from FACADE_MCP_IDP_ID_TOKEN exchanged at --idp-token-endpoint, then a JWT bearer grant).",
        };
        grant.AcceptOnlyFromAmong(ClientCredentials, CrossAppAccess);
        var privateKey = new Option<string>("--private-key")
        {
            Description = "PEM file of the client's EC P-256 or RSA private key: client_credentials authenticates with a signed assertion (private_key_jwt).",
        };
        var idpTokenEndpoint = new Option<string>("--idp-token-endpoint") { Description = "Cross-app access: the identity provider's token endpoint." };
        var idpClientId = new Option<string>("--idp-client-id") { Description = "Cross-app access: the bridge's client id at the identity provider." };
        var logout = new Option<bool>("--logout") { Description = "Revoke and delete the cached tokens for --url, then exit." };
        var login = new Option<bool>("--login") { Description = "Sign in (or check the cached sign-in), cache the tokens and exit without serving stdio." };
        var verbose = new Option<bool>("--verbose") { Description = "Diagnostics on stderr." };

        var command = new RootCommand("MCP over stdio for a Facade edge: forwards tools, resources and prompts to --url. "
            + "Authenticates with FACADE_TOKEN when set, else signs in through the browser (OAuth, loopback redirect) and caches and refreshes the tokens.")
        {
            url, scope, noBrowser, headless, clientId, clientSecret, clientMetadataUrl, grant, privateKey, idpTokenEndpoint, idpClientId,
            tokenCache, callbackPort, logout, login, verbose,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (!TryParseUrl(result.GetValue(url), out var endpoint, out var problem))
            {
                Stderr.Error(problem);
                return ExitCodes.Usage;
            }

            if (!TryParseClient(result.GetValue(clientId), result.GetValue(clientSecret), result.GetValue(clientMetadataUrl), out var client, out problem))
            {
                Stderr.Error(problem);
                return ExitCodes.Usage;
            }

            if (!TryParseMachine(result.GetValue(grant), client, result.GetValue(privateKey), result.GetValue(idpTokenEndpoint), result.GetValue(idpClientId),
                out var machine, out problem))
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
                Headless = result.GetValue(headless),
                ClientId = client.Id,
                ClientSecret = client.Secret,
                ClientMetadataUrl = client.MetadataUrl,
                Machine = machine,
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

    /// <summary>
    /// The client the bridge signs in as: pre-registered (<c>--client-id</c>, secret from <c>--client-secret</c> or
    /// <c>FACADE_MCP_CLIENT_SECRET</c>), a metadata document (<c>--client-metadata-url</c>, https), or neither. Problems
    /// never repeat the secret.
    /// </summary>
    internal static bool TryParseClient(string? id, string? secretOption, string? metadataUrl, out (string? Id, string? Secret, Uri? MetadataUrl) client, out string problem)
    {
        client = default;
        problem = "";
        var secret = !string.IsNullOrEmpty(secretOption) ? secretOption
            : Environment.GetEnvironmentVariable("FACADE_MCP_CLIENT_SECRET") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        id = string.IsNullOrWhiteSpace(id) ? null : id.Trim();
        if (id is null && !string.IsNullOrEmpty(secretOption))
        {
            problem = "--client-secret needs --client-id (the pre-registered client it belongs to).";
            return false;
        }

        Uri? document = null;
        if (!string.IsNullOrWhiteSpace(metadataUrl))
        {
            if (id is not null)
            {
                problem = "--client-id and --client-metadata-url exclude each other: a pre-registered client or a metadata document, not both.";
                return false;
            }

            if (!Uri.TryCreate(metadataUrl, UriKind.Absolute, out document) || document.Scheme != Uri.UriSchemeHttps
                || document.AbsolutePath.Length <= 1 || document.Fragment.Length > 0 || document.UserInfo.Length > 0)
            {
                problem = $"--client-metadata-url '{metadataUrl}' must be an https URL with a path (and no fragment or user information).";
                return false;
            }
        }

        // FACADE_MCP_CLIENT_SECRET belongs to a --client-id; without one it is ignored, as is any secret for a metadata document.
        client = (id, id is null ? null : secret, document);
        return true;
    }

    public const string ClientCredentials = "client-credentials";
    public const string CrossAppAccess = "cross-app-access";

    public static string GrantName(Auth.MachineGrantKind kind) => kind == Auth.MachineGrantKind.CrossAppAccess ? CrossAppAccess : ClientCredentials;

    /// <summary>
    /// <c>--grant</c> and what it needs: a pre-registered client; for client-credentials its secret or a readable private
    /// key; for cross-app access its secret, the IdP's token endpoint (https, or http on loopback) and the ID token in
    /// <c>FACADE_MCP_IDP_ID_TOKEN</c>. The key and the token are read here, never echoed.
    /// </summary>
    internal static bool TryParseMachine(string? grant, (string? Id, string? Secret, Uri? MetadataUrl) client, string? privateKeyPath, string? idpTokenEndpoint,
        string? idpClientId, out Auth.MachineGrant? machine, out string problem)
    {
        machine = null;
        problem = "";
        if (grant is null)
        {
            if (privateKeyPath is not null || idpTokenEndpoint is not null || idpClientId is not null)
            {
                problem = "--private-key, --idp-token-endpoint and --idp-client-id belong to --grant (a machine identity).";
                return false;
            }

            return true;
        }

        if (client.Id is null)
        {
            problem = $"--grant {grant} needs --client-id: the machine identity's client, registered at the authorization server beforehand.";
            return false;
        }

        if (grant == ClientCredentials)
        {
            if (privateKeyPath is null)
            {
                if (client.Secret is null)
                {
                    problem = "--grant client-credentials needs the client's secret (FACADE_MCP_CLIENT_SECRET or --client-secret) or --private-key.";
                    return false;
                }

                machine = new Auth.MachineGrant(Auth.MachineGrantKind.ClientCredentials);
                return true;
            }

            string pem;
            try
            {
                pem = File.ReadAllText(privateKeyPath);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                problem = $"--private-key '{privateKeyPath}' cannot be read ({exception.GetType().Name}).";
                return false;
            }

            try
            {
                Auth.MachineTokenHandler.SigningKey(pem);
            }
            catch (BridgeException exception)
            {
                problem = $"--private-key '{privateKeyPath}': {exception.Message}";
                return false;
            }

            machine = new Auth.MachineGrant(Auth.MachineGrantKind.ClientCredentials) { PrivateKeyPem = pem };
            return true;
        }

        if (privateKeyPath is not null || client.Secret is null)
        {
            problem = "--grant cross-app-access authenticates with the client's secret (FACADE_MCP_CLIENT_SECRET or --client-secret), not --private-key.";
            return false;
        }

        if (!TryParseUrl(idpTokenEndpoint, out var endpoint, out _))
        {
            problem = $"--grant cross-app-access needs --idp-token-endpoint: the identity provider's token endpoint (https, or http on loopback); got '{idpTokenEndpoint}'.";
            return false;
        }

        if (Environment.GetEnvironmentVariable("FACADE_MCP_IDP_ID_TOKEN") is not { Length: > 0 } idToken)
        {
            problem = "--grant cross-app-access needs the identity provider's ID token in FACADE_MCP_IDP_ID_TOKEN.";
            return false;
        }

        machine = new Auth.MachineGrant(Auth.MachineGrantKind.CrossAppAccess)
        {
            IdpTokenEndpoint = endpoint,
            IdpClientId = string.IsNullOrWhiteSpace(idpClientId) ? null : idpClientId.Trim(),
            IdpIdToken = idToken.Trim(),
        };
        return true;
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
