using System.Text.Json.Serialization;

namespace Facade.Proxy.ApiKeys;

/// <summary><c>POST /account/keys</c>: unknown members are refused, not ignored.</summary>
internal sealed record CreateKeyRequest(string? Label, string[]? Scopes, string? AgentId, DateTimeOffset? ExpiresAt);

/// <summary>A key as listed: never the key itself, never its hash.</summary>
internal sealed record KeyDetails(
    string Id, string Label, string[] Scopes, string? AgentId, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt)
{
    public static KeyDetails Of(ApiKey key) =>
        new(key.Id, key.Label, [.. key.ScopeList], key.AgentId, key.CreatedAt, key.ExpiresAt, key.LastUsedAt);
}

/// <summary>The one answer that shows the key.</summary>
internal sealed record CreatedKey(string Id, string Key, string Label, string[] Scopes, string? AgentId, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary><c>POST /oauth/key-token</c>'s answer (RFC 6749 §5.1 names).</summary>
internal sealed record KeyTokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("agent_id")] string? AgentId);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(CreateKeyRequest))]
[JsonSerializable(typeof(CreatedKey))]
[JsonSerializable(typeof(KeyDetails[]))]
internal sealed partial class ApiKeyJsonContext : JsonSerializerContext;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KeyTokenResponse))]
internal sealed partial class KeyTokenJsonContext : JsonSerializerContext;
