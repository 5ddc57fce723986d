using Facade.Common;
using Facade.Proxy.Hosting;
using Facade.Proxy.Ledger;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.Cluster;

/// <summary>
/// On PostgreSQL (several nodes) the ledger is every node's fallback revocation path (and with Redis down, the only
/// one): a node that would trust a remembered token for longer than a second refuses to start.
/// </summary>
internal sealed class ClusterOptionsValidator(IOptions<FacadeOptions> facade) : IValidateOptions<LedgerOptions>
{
    public static readonly TimeSpan SharedRevocationBound = TimeSpan.FromSeconds(1);

    public ValidateOptionsResult Validate(string? name, LedgerOptions options) =>
        facade.Value.DatabaseProvider == DatabaseProvider.PostgreSql && options.RevocationCheckInterval > SharedRevocationBound
            ? ValidateOptionsResult.Fail(
                $"Facade:Ledger:RevocationCheckInterval is {options.RevocationCheckInterval}: on a shared PostgreSQL database it must be at most "
                + $"{SharedRevocationBound.TotalSeconds:0} s, or a revocation on another node would be honoured here only that late (Redis, when configured, "
                + "makes it immediate; the ledger interval is what applies while Redis is unreachable).")
            : ValidateOptionsResult.Success;
}
