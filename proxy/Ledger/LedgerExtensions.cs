using Facade.Proxy.Audit;
using Facade.Proxy.Hosting;
using Facade.Proxy.Ledger;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

internal static class LedgerExtensions
{
    public static IHostApplicationBuilder AddTokenLedger(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<LedgerOptions>()
            .BindConfiguration(LedgerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton<AuditLog>();
        builder.Services.TryAddSingleton<EdgeMetrics>();
        builder.Services.TryAddSingleton<TokenLedger>();
        builder.Services.TryAddSingleton<TokenLastUse>();
        builder.Services.TryAddSingleton<ResourceServerAuthentication>();
        return builder;
    }
}
