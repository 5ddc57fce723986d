using System.Text.Json.Serialization;

namespace Facade.Common.Revocation;

/// <summary>
/// One answer of the edge's revocation feed, <c>GET /oauth/revocations?after=&lt;cursor&gt;</c>: access-token jtis
/// revoked after the cursor, oldest first, and the cursor to ask from next. The edge writes it, resource servers read it.
/// </summary>
public sealed record RevocationFeedPage(
    [property: JsonPropertyName("revocations")] IReadOnlyList<RevokedJti> Revocations,
    [property: JsonPropertyName("cursor")] string Cursor,
    [property: JsonPropertyName("has_more")] bool HasMore);

/// <summary>A revoked access token: its <c>jti</c> and its <c>exp</c> (Unix seconds), after which it can be forgotten.</summary>
public sealed record RevokedJti(
    [property: JsonPropertyName("jti")] string Jti,
    [property: JsonPropertyName("exp")] long Expires);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(RevocationFeedPage))]
public sealed partial class RevocationFeedJsonContext : JsonSerializerContext;
