using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Facade.Mcp.Bridge.Cli;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Facade.Mcp.Bridge.Auth;

/// <summary>
/// A machine identity's bearer token on every request (<see cref="MachineGrant"/>): discovery as for a person (protected
/// resource metadata, then the authorization server's metadata), then a client_credentials or cross-app access grant with
/// the resource indicator. The token is kept until shortly before it expires; a 401 gets one fresh grant and one retry.
/// Secrets, assertions and tokens never reach stderr; a refused grant says which endpoint refused and its OAuth error.
/// </summary>
internal sealed class MachineTokenHandler(Uri mcpUrl, string clientId, string? clientSecret, MachineGrant grant, IReadOnlyList<string> scopes)
    : DelegatingHandler
{
    public const string ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    public const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    public const string TokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";
    public const string IdTokenType = "urn:ietf:params:oauth:token-type:id_token";
    public const string IdJagTokenType = "urn:ietf:params:oauth:token-type:id-jag";

    private static readonly TimeSpan RenewBefore = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AssertionLifetime = TimeSpan.FromMinutes(2);
    private readonly SemaphoreSlim _granting = new(1, 1);
    private (string Token, DateTimeOffset Expires)? _current;
    private (SecurityKey Key, string Algorithm)? _signingKey;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(renew: false, cancellationToken));
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized || request.Content is { } and not ByteArrayContent)
        {
            return response;
        }

        // Revoked or expired early: one new grant, one retry (MCP requests are small, buffered JSON bodies).
        response.Dispose();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(renew: true, cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _granting.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task<string> TokenAsync(bool renew, CancellationToken cancellationToken)
    {
        await _granting.WaitAsync(cancellationToken);
        try
        {
            if (!renew && _current is { } current && current.Expires - RenewBefore > DateTimeOffset.UtcNow)
            {
                return current.Token;
            }

            var granted = await GrantAsync(cancellationToken);
            _current = granted;
            return granted.Token;
        }
        finally
        {
            _granting.Release();
        }
    }

    private async Task<(string Token, DateTimeOffset Expires)> GrantAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient(InnerHandler!, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(30) };
        var (resource, issuer, metadata) = await EdgeClientDocument.DiscoverResourceAsync(http, mcpUrl, cancellationToken)
            ?? throw new BridgeException($"no authorization server metadata found for {mcpUrl} (protected resource metadata, RFC 9728).", ExitCodes.Unavailable);
        var tokenEndpoint = Text(metadata, "token_endpoint") is { } endpoint && Uri.TryCreate(endpoint, UriKind.Absolute, out var parsed)
            ? parsed
            : throw new BridgeException($"the authorization server {issuer} names no token_endpoint.", ExitCodes.Unavailable);
        var audience = Text(metadata, "issuer") ?? issuer.AbsoluteUri;

        var form = new Dictionary<string, string> { ["resource"] = resource.AbsoluteUri };
        if (scopes.Count > 0)
        {
            form["scope"] = string.Join(' ', scopes);
        }

        if (grant.Kind == MachineGrantKind.CrossAppAccess)
        {
            form["grant_type"] = JwtBearerGrant;
            form["assertion"] = await IdJagAsync(http, audience, resource, cancellationToken);
        }
        else
        {
            form["grant_type"] = "client_credentials";
        }

        Stderr.Debug($"requesting a {form["grant_type"]} token from {tokenEndpoint} for {resource}.");
        using var request = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint);
        Authenticate(request, form, metadata, audience);
        request.Content = new FormUrlEncodedContent(form);
        using var response = await http.SendAsync(request, cancellationToken);
        var answer = await ReadAsync(response, cancellationToken);
        if (!response.IsSuccessStatusCode || Text(answer, "access_token") is not { Length: > 0 } token)
        {
            throw Refused("authorization server", tokenEndpoint, response.StatusCode, answer);
        }

        var lifetime = answer.TryGetProperty("expires_in", out var seconds) && seconds.TryGetInt32(out var value) && value > 0 ? value : 3600;
        Stderr.Debug($"got a {form["grant_type"]} access token valid for {lifetime} s.");
        return (token, DateTimeOffset.UtcNow.AddSeconds(lifetime));
    }

    /// <summary>RFC 8693 at the IdP: the person's ID token for an ID-JAG naming this authorization server and resource.</summary>
    private async Task<string> IdJagAsync(HttpClient http, string audience, Uri resource, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = TokenExchangeGrant,
            ["requested_token_type"] = IdJagTokenType,
            ["subject_token"] = grant.IdpIdToken!,
            ["subject_token_type"] = IdTokenType,
            ["audience"] = audience,
            ["resource"] = resource.AbsoluteUri,
        };
        if (grant.IdpClientId is { } idpClient)
        {
            form["client_id"] = idpClient;
        }

        if (scopes.Count > 0)
        {
            form["scope"] = string.Join(' ', scopes);
        }

        Stderr.Debug($"exchanging the ID token at {grant.IdpTokenEndpoint} for an identity assertion grant.");
        using var response = await http.PostAsync(grant.IdpTokenEndpoint, new FormUrlEncodedContent(form), cancellationToken);
        var answer = await ReadAsync(response, cancellationToken);
        return response.IsSuccessStatusCode && Text(answer, "access_token") is { Length: > 0 } jag && Text(answer, "issued_token_type") is null or IdJagTokenType
            ? jag
            : throw Refused("identity provider", grant.IdpTokenEndpoint!, response.StatusCode, answer);
    }

    /// <summary>private_key_jwt when a key is configured, else the secret the way the server lists first (basic by default).</summary>
    private void Authenticate(HttpRequestMessage request, Dictionary<string, string> form, JsonElement metadata, string audience)
    {
        if (grant.PrivateKeyPem is { } pem)
        {
            form["client_id"] = clientId;
            form["client_assertion_type"] = ClientAssertionType;
            form["client_assertion"] = Assertion(pem, audience);
            return;
        }

        var method = metadata.TryGetProperty("token_endpoint_auth_methods_supported", out var methods) && methods.ValueKind == JsonValueKind.Array
            ? methods.EnumerateArray().Select(m => m.GetString()).FirstOrDefault(m => m is ClientSecretHandler.Basic or ClientSecretHandler.Post)
            : null;
        if (method == ClientSecretHandler.Post)
        {
            form["client_id"] = clientId;
            form["client_secret"] = clientSecret!;
            return;
        }

        // RFC 6749 §2.3.1: both parts form-encoded before base64.
        var credentials = $"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(clientSecret!)}";
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
    }

    /// <summary>RFC 7523 §3: issued by and about the client, for the authorization server, short-lived and unique.</summary>
    private string Assertion(string pem, string audience)
    {
        // Parsed once and kept for the bridge's lifetime; grants happen under _granting.
        _signingKey ??= SigningKey(pem);
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = clientId,
            Audience = audience,
            Claims = new Dictionary<string, object> { ["sub"] = clientId, ["jti"] = Guid.NewGuid().ToString("N") },
            IssuedAt = now,
            NotBefore = now,
            Expires = now + AssertionLifetime,
            SigningCredentials = new SigningCredentials(_signingKey.Value.Key, _signingKey.Value.Algorithm),
        });
    }

    /// <summary>An EC P-256 key signs ES256, an RSA key RS256; anything else is a usage error.</summary>
    internal static (SecurityKey Key, string Algorithm) SigningKey(string pem)
    {
        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            if (ec.KeySize == 256)
            {
                return (new ECDsaSecurityKey(ec), SecurityAlgorithms.EcdsaSha256);
            }
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
        }

        ec.Dispose();
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return (new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256);
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new BridgeException("the private key is not a PEM EC P-256 or RSA private key.", ExitCodes.Usage);
        }
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var json = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            return json.ValueKind == JsonValueKind.Object ? json : default;
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static BridgeException Refused(string who, Uri endpoint, HttpStatusCode status, JsonElement answer) =>
        new($"the {who} at {endpoint} refused the grant: {(int)status} {Text(answer, "error") ?? "no error code"}"
            + (Text(answer, "error_description") is { } description ? $" ({description})." : "."), ExitCodes.Unauthorized);

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
