using Facade.Proxy.AuthorizationServer;
using Facade.Proxy.Data;
using Facade.Proxy.Ledger;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.ApiKeys;

/// <summary>
/// Turns a valid key into an access token (<see cref="AccessTokenMinter"/>): client_id = the key's id, ledger label
/// <c>api-key</c> with the key's id, <c>agent_id</c> for agent keys, and never outliving the key.
/// </summary>
internal sealed class ApiKeyTokenMinter(AccessTokenMinter minter, IOptions<ApiKeyOptions> options)
{
    public Task<MintedToken> MintAsync(ApiKey key, FacadeUser owner, string scope, CancellationToken cancellationToken) =>
        minter.MintAsync(
            new AccessTokenRequest(owner, scope, key.Id, ApiToken.ApiKeyLabel, options.Value.TokenLifetime,
                NotAfter: key.ExpiresAt, KeyId: key.Id, AgentId: key.AgentId),
            cancellationToken);
}
