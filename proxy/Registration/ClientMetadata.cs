using System.Text.Json;
using Facade.Common;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Facade.Proxy.Registration;

/// <summary>
/// Client metadata (RFC 7591 §2) as read from a registration request or a Client ID Metadata Document, validated
/// field by field so a bad entry gets the RFC 7591 error that names it.
/// </summary>
public sealed class ClientMetadata
{
    public static readonly string[] SupportedAuthMethods = ["none", "client_secret_basic", "client_secret_post"];
    private static readonly string[] SupportedGrantTypes = [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken];

    public IReadOnlyList<string> RedirectUris { get; private init; } = [];
    public string TokenEndpointAuthMethod { get; private init; } = "client_secret_basic";
    public IReadOnlyList<string> GrantTypeValues { get; private init; } = [GrantTypes.AuthorizationCode];
    public IReadOnlyList<string> ResponseTypeValues { get; private init; } = [ResponseTypes.Code];
    public string? ClientName { get; private init; }
    public string? Scope { get; private init; }

    /// <summary>Other recognised metadata (client_uri, logo_uri, contacts …), echoed back unchanged.</summary>
    public IReadOnlyDictionary<string, JsonElement> Extra { get; private init; } = new Dictionary<string, JsonElement>();

    public bool IsPublic => TokenEndpointAuthMethod == "none";

    /// <summary>
    /// The registered <c>scope</c> is advisory: MCP clients register with the scopes of their first challenge and
    /// step up later (insufficient_scope), so every known scope stays requestable and the user's consent decides.
    /// </summary>
    public IReadOnlyCollection<string> AllowedScopes => ScopeCatalog.All;

    private static readonly string[] EchoedStrings = ["client_uri", "logo_uri", "tos_uri", "policy_uri", "software_id", "software_version", "jwks_uri"];

    public static ClientMetadata Parse(JsonElement root, string defaultAuthMethod, out RegistrationError? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = RegistrationError.Metadata("The request body must be a JSON object of client metadata.");
            return new ClientMetadata();
        }

        var redirectUris = ReadStrings(root, "redirect_uris", ref error, RegistrationError.RedirectUri);
        if (error is null && (redirectUris is null || redirectUris.Count == 0))
        {
            error = RegistrationError.RedirectUri("redirect_uris is required: at least one redirect URI.");
        }

        foreach (var uri in redirectUris ?? [])
        {
            if (error is null && !RedirectUriPolicy.IsAllowed(uri, out var reason))
            {
                error = RegistrationError.RedirectUri($"redirect_uri '{Truncate(uri)}' {reason}.");
            }
        }

        var authMethod = ReadString(root, "token_endpoint_auth_method", ref error) ?? defaultAuthMethod;
        if (error is null && !SupportedAuthMethods.Contains(authMethod, StringComparer.Ordinal))
        {
            error = RegistrationError.Metadata($"token_endpoint_auth_method '{Truncate(authMethod)}' is not supported; use one of: {string.Join(", ", SupportedAuthMethods)}.");
        }

        var grantTypes = ReadStrings(root, "grant_types", ref error, RegistrationError.Metadata) ?? [GrantTypes.AuthorizationCode];
        if (error is null && grantTypes.FirstOrDefault(g => !SupportedGrantTypes.Contains(g, StringComparer.Ordinal)) is { } badGrant)
        {
            error = RegistrationError.Metadata($"grant_type '{Truncate(badGrant)}' is not supported; use authorization_code and refresh_token.");
        }

        if (error is null && !grantTypes.Contains(GrantTypes.AuthorizationCode, StringComparer.Ordinal))
        {
            error = RegistrationError.Metadata("grant_types must include authorization_code.");
        }

        var responseTypes = ReadStrings(root, "response_types", ref error, RegistrationError.Metadata) ?? [ResponseTypes.Code];
        if (error is null && responseTypes.Any(r => r != ResponseTypes.Code))
        {
            error = RegistrationError.Metadata("Only the 'code' response type is supported.");
        }

        var clientName = ReadString(root, "client_name", ref error);
        if (error is null && clientName is { Length: > 200 })
        {
            error = RegistrationError.Metadata("client_name must be at most 200 characters.");
        }

        var scope = ReadString(root, "scope", ref error);
        if (error is null && scope?.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(s => !ScopeCatalog.IsKnown(s)) is { } unknown)
        {
            error = RegistrationError.Metadata($"scope '{Truncate(unknown)}' is not supported.");
        }

        var extra = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var name in EchoedStrings)
        {
            if (ReadString(root, name, ref error) is { } value)
            {
                extra[name] = root.GetProperty(name).Clone();
                // Echoed back and possibly shown to users: https only, never script or data URIs.
                if (error is null && name.EndsWith("_uri", StringComparison.Ordinal)
                    && !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps))
                {
                    error = RegistrationError.Metadata($"{name} must be an absolute https URI.");
                }
            }
        }

        if (ReadStrings(root, "contacts", ref error, RegistrationError.Metadata) is not null)
        {
            extra["contacts"] = root.GetProperty("contacts").Clone();
        }

        return new ClientMetadata
        {
            RedirectUris = redirectUris ?? [],
            TokenEndpointAuthMethod = authMethod,
            GrantTypeValues = grantTypes.Distinct(StringComparer.Ordinal).ToArray(),
            ResponseTypeValues = responseTypes.Distinct(StringComparer.Ordinal).ToArray(),
            ClientName = string.IsNullOrWhiteSpace(clientName) ? null : clientName,
            Scope = string.IsNullOrWhiteSpace(scope) ? null : scope,
            Extra = extra,
        };
    }

    /// <summary>The OpenIddict application for this metadata: PKCE required, explicit consent, code flow only.</summary>
    public OpenIddictApplicationDescriptor ToDescriptor(string clientId, string? clientSecret)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = clientSecret,
            ClientType = IsPublic ? ClientTypes.Public : ClientTypes.Confidential,
            ApplicationType = RedirectUris.All(u => u.StartsWith("https:", StringComparison.Ordinal)) ? ApplicationTypes.Web : ApplicationTypes.Native,
            ConsentType = ConsentTypes.Explicit,
            DisplayName = ClientName ?? clientId,
        };
        foreach (var uri in RedirectUris)
        {
            descriptor.RedirectUris.Add(new Uri(uri));
        }

        descriptor.Permissions.UnionWith([
            Permissions.Endpoints.Authorization,
            Permissions.Endpoints.Token,
            Permissions.Endpoints.Revocation,
            Permissions.GrantTypes.AuthorizationCode,
            Permissions.ResponseTypes.Code,
        ]);
        if (GrantTypeValues.Contains(GrantTypes.RefreshToken))
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.RefreshToken);
        }

        descriptor.Permissions.UnionWith(AllowedScopes.Select(s => Permissions.Prefixes.Scope + s));
        descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        return descriptor;
    }

    private static string? ReadString(JsonElement root, string name, ref RegistrationError? error)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            error ??= RegistrationError.Metadata($"{name} must be a string.");
            return null;
        }

        return value.GetString();
    }

    private static List<string>? ReadStrings(JsonElement root, string name, ref RegistrationError? error, Func<string, RegistrationError> kind)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String) || value.GetArrayLength() > 20)
        {
            error ??= kind($"{name} must be an array of at most 20 strings.");
            return null;
        }

        return value.EnumerateArray().Select(v => v.GetString()!).ToList();
    }

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "…";
}

/// <summary>An RFC 7591 §3.2.2 error: <c>invalid_redirect_uri</c> or <c>invalid_client_metadata</c>.</summary>
public sealed record RegistrationError(string Error, string Description)
{
    public static RegistrationError Metadata(string description) => new("invalid_client_metadata", description);

    public static RegistrationError RedirectUri(string description) => new("invalid_redirect_uri", description);
}
