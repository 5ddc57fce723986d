using System.Text.Json.Serialization;

namespace Facade.Proxy.FirstParty;

/// <summary>The optional JSON body of <c>POST /oauth/first-party-token</c>; unknown members are refused.</summary>
internal sealed record FirstPartyTokenRequest(string? Scope);

/// <summary>The answer (RFC 6749 §5.1 names), shaped like the token endpoint's.</summary>
internal sealed record FirstPartyTokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("scope")] string Scope);

/// <summary><c>GET /account/antiforgery</c>: the request token and the header to send it in.</summary>
internal sealed record AntiforgeryTokenResponse(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("headerName")] string HeaderName);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(FirstPartyTokenRequest))]
[JsonSerializable(typeof(FirstPartyTokenResponse))]
[JsonSerializable(typeof(AntiforgeryTokenResponse))]
internal sealed partial class FirstPartyJsonContext : JsonSerializerContext;
